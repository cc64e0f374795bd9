import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { linkSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
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
  linkSync(join(outside, "secret.txt"), join(job, "output", "hard.txt"));

  const found = await collectFiles(job, job, ["output", "model.pt", "linked-dir/secret.txt", "missing"]);
  assert.deepEqual(found.files.map((f) => f.path), ["model.pt", "output/a.txt", "output/deep/b.txt"]);
  assert.equal(found.bytes, "weights".length + 2);
  assert.deepEqual(
    found.skipped.map((s) => `${s.path}: ${s.reason}`).sort(),
    [
      "linked-dir/secret.txt: linked-dir is a symbolic link",
      "missing: does not exist",
      "output/escape: is a symbolic link",
      "output/hard.txt: has 2 names (a hard link)",
      "output/passwd: is a symbolic link",
    ],
  );
});

test("a workdir below the project root: paths are relative to it, special files are skipped", async (t) => {
  const job = await tempDir(t);
  mkdirSync(join(job, "src", "out"), { recursive: true });
  writeFileSync(join(job, "src", "out", "r.txt"), "r");
  execFileSync("mkfifo", [join(job, "src", "out", "pipe")]);
  const found = await collectFiles(join(job, "src"), job, ["out"]);
  assert.deepEqual(found.files.map((f) => f.path), ["out/r.txt"]);
  assert.deepEqual(found.skipped, [{ path: "out/pipe", reason: "is not a regular file" }]);
});

test("the walk stops one file past the limit, so a job's million files are not all listed", async (t) => {
  const job = await tempDir(t);
  mkdirSync(join(job, "out"));
  for (let i = 0; i < 20; i++) writeFileSync(join(job, "out", `f${i}`), "x");
  const found = await collectFiles(job, job, ["out"], { maxFiles: 5 });
  assert.equal(found.tooMany, true);
  assert.equal(found.files.length, 6);
  assert.equal((await collectFiles(job, job, ["out"], { maxFiles: 20 })).tooMany, false);
});
