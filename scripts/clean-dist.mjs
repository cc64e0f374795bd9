// Empties dist/ before a build, so a test or module that was renamed or
// removed in the sources does not live on as stale compiled JavaScript.
import { rmSync } from "node:fs";
rmSync("dist", { recursive: true, force: true });
