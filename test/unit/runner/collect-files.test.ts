import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { collectFiles } from "../../../runner-agent/collect-files.js";
import { tempDir } from "../../helpers/temp-dir.js";

test("declared results are collected as regular files; links and what lies outside the job folder are not", async (t) => {
  const root = await tempDir(t);
  const job = join(root, "project");
  const outside = join(root, "outside");
  mkdirSync(join(job, "output", "deep"), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(outside, "secret.txt"), "not yours");
  writeFileSync(join(job, "output", "a.txt"), "a");
  writeFileSync(join(job, "output", "deep", "b.txt"), "b");
  symlinkSync("/etc/passwd", join(job, "output", "passwd"));
  symlinkSync(outside, join(job, "output", "escape"));
  symlinkSync(outside, join(job, "linked-dir"));
  writeFileSync(join(job, "model.pt"), "weights");

  const found = await collectFiles(job, job, ["output", "model.pt", "linked-dir/secret.txt", "missing"]);
  assert.deepEqual(found.files, ["model.pt", "output/a.txt", "output/deep/b.txt"]);
  assert.deepEqual(
    found.skipped.map((s) => `${s.path}: ${s.reason}`).sort(),
    ["linked-dir/secret.txt: leads outside the job folder", "missing: does not exist", "output/escape: is a symbolic link", "output/passwd: is a symbolic link"],
  );
});

test("a workdir below the project root: paths are relative to it, special files are skipped", async (t) => {
  const job = await tempDir(t);
  mkdirSync(join(job, "src", "out"), { recursive: true });
  writeFileSync(join(job, "src", "out", "r.txt"), "r");
  execFileSync("mkfifo", [join(job, "src", "out", "pipe")]);
  const found = await collectFiles(join(job, "src"), job, ["out"]);
  assert.deepEqual(found.files, ["out/r.txt"]);
  assert.deepEqual(found.skipped, [{ path: "out/pipe", reason: "is not a regular file" }]);
});
