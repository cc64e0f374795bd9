import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { RUNNER_ENV_VARS } from "../../../runner-agent/runner-config.js";

const MAIN = join(dirname(fileURLToPath(import.meta.url)), "../../../runner-agent/main.js");

function runner(args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, [MAIN, ...args], { encoding: "utf8", env: { PATH: process.env.PATH, HOME: "/nonexistent", ...env }, timeout: 30_000 });
}

test("ailab-runner run --help names every flag and environment variable it reads", () => {
  const help = runner(["run", "--help"]);
  assert.equal(help.status, 0);
  for (const variable of Object.keys(RUNNER_ENV_VARS)) assert.ok(help.stdout.includes(variable), variable);
  for (const flag of ["--relay-dir", "--name", "--data-dir", "--secret-file", "--uv", "--max-jobs", "--template"]) assert.ok(help.stdout.includes(flag), flag);
});

test("a configuration mistake exits 2 with one line saying what was expected", () => {
  const missing = runner(["run"]);
  assert.equal(missing.status, 2);
  assert.equal(missing.stderr.trim(), "ailab-runner: no relay: pass --relay (a folder or s3://BUCKET/PREFIX) or set AILAB_RELAY");
  const bad = runner(["run", "--relay-dir", "/tmp/x", "--max-jobs", "0"], { AILAB_SECRET: "0123456789abcdef0123" });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--max-jobs "0" is not valid: expected a whole number of at least 1/);
});
