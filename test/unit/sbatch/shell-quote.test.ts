import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { sbatchValue, shellName, shellQuote } from "../../../core/sbatch/shell-quote.js";
import { hasCode } from "../../../core/errors.js";

const TRICKY = [
  "",
  "plain",
  "it's",
  "''",
  "$(touch /tmp/x)",
  "`id`",
  '"; echo hi; "',
  "a\nb\n#SBATCH --x",
  "back\\slash",
  "tab\there",
  "$HOME ${PATH} !! * ?",
  "ünïcödé ☃",
];

test("shellQuote hands bash every value back exactly as written", () => {
  const script = TRICKY.map((v) => `printf '%s\\0' ${shellQuote(v)}`).join("\n");
  const out = spawnSync("bash", ["-c", script], { encoding: "utf8" });
  assert.equal(out.status, 0, out.stderr);
  assert.deepEqual(out.stdout.split("\0").slice(0, -1), TRICKY);
});

test("shellQuote quotes numbers and refuses NUL", () => {
  assert.equal(shellQuote(3), "'3'");
  assert.throws(() => shellQuote("a\u0000b"), (e) => hasCode(e, "UnsafeShellValue"));
});

test("sbatchValue passes Slurm values and refuses anything with a meaning", () => {
  for (const ok of ["4:00:00", "1-12:00", "32G", "gpu:a100:2", "/srv/ailab/logs/x.log", "ailab-mfz3k2a1b0-7f2k", "a@b.c", "50%", 4]) {
    assert.equal(sbatchValue(ok), String(ok));
  }
  for (const bad of ["", "a b", "a\nb", "a'b", 'a"b', "$(x)", "`x`", "a;b", "a|b", "a&b", "a>b", "a#b", "a\\b", "ü"]) {
    assert.throws(() => sbatchValue(bad), (e) => hasCode(e, "UnsafeSbatchValue"), JSON.stringify(bad));
  }
});

test("shellName accepts variable names only", () => {
  assert.equal(shellName("WANDB_MODE"), "WANDB_MODE");
  for (const bad of ["", "1A", "A-B", "A=B", "A;touch x", "A\nB"]) {
    assert.throws(() => shellName(bad), (e) => hasCode(e, "UnsafeShellValue"), JSON.stringify(bad));
  }
});
