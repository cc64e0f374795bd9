// Nothing to copy yet: templates/ is read from the package root at run time.
// Kept as the build's second step so assets have one place to go.
import { chmodSync, existsSync } from "node:fs";
for (const bin of ["dist/cli/main.js", "dist/action/main.js", "dist/runner-agent/main.js"]) {
  if (existsSync(bin)) chmodSync(bin, 0o755);
}
