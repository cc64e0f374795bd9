// Runs the compiled tests with Node's test runner. `unit` limits the run to
// test/unit; otherwise every *.test.js under dist/test runs.
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const only = process.argv[2];
const root = join("dist", "test", only ?? "");
const files = [];
(function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (name.endsWith(".test.js")) files.push(path);
  }
})(root);
files.sort();
const result = spawnSync(
  process.execPath,
  ["--test", "--test-concurrency=2", "--test-timeout=600000", ...files],
  { stdio: "inherit" },
);
process.exit(result.status ?? 1);
