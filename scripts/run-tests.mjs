// Runs the compiled tests with Node's test runner: every *.test.js under
// dist/test (or under dist/test/<folder> when a folder is named).
// Tests that use the one-node Slurm cluster (dist/test/integration/slurm)
// run in a second pass, one file at a time: the node has two GPUs, and two
// files submitting at once would see each other's jobs. The last line sums
// both passes up.
import { spawn } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join, sep } from "node:path";

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
const slurm = files.filter((f) => f.includes(`${sep}integration${sep}slurm${sep}`));
const rest = files.filter((f) => !slurm.includes(f));

function run(list, concurrency) {
  return new Promise((resolve) => {
    if (list.length === 0) return resolve({ code: 0, pass: 0, fail: 0, skipped: 0 });
    const child = spawn(
      process.execPath,
      ["--test", "--test-reporter=tap", `--test-concurrency=${concurrency}`, "--test-timeout=420000", ...list],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    let tail = "";
    child.stdout.on("data", (chunk) => {
      process.stdout.write(chunk);
      tail = (tail + chunk.toString("utf8")).slice(-4000);
    });
    child.on("close", (code) => {
      const count = (word) => Number(new RegExp(`^# ${word} (\\d+)$`, "m").exec(tail)?.[1] ?? 0);
      resolve({ code: code ?? 1, pass: count("pass"), fail: count("fail"), skipped: count("skipped") });
    });
  });
}

const first = await run(rest, 2);
const second = await run(slurm, 1);
const pass = first.pass + second.pass;
const fail = first.fail + second.fail;
const skipped = first.skipped + second.skipped;
console.log(`tests: ${pass} passed, ${fail} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(first.code !== 0 ? first.code : second.code);
