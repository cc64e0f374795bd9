import assert from "node:assert/strict";
import { performance } from "node:perf_hooks";
import { test } from "node:test";
import { decodeTaskFile } from "../../../core/task/decode-task-file.js";
import { parseTaskFile, TaskFileError } from "../../../core/task/parse-task-file.js";
import { isTaskName } from "../../../core/task/task-name.js";
import { describeValue } from "../../../core/task/toml-table-reader.js";
import { isWheelFileName } from "../../../core/task/wheel-file-name.js";

const RUN = '[run]\ncommand = "python train.py {a}"\n';
const parse = (text: string) => parseTaskFile(text, { file: "task.toml", branch: "ailab/t" });

test("TOML integers stay whole numbers in the task; floats that look whole are refused", () => {
  const task = parse(`[resources]\ngpus = 2\ncpus = 0x10\ntime_limit = 90\nmemory = 4096\n[environment]\nenv = { SEED = 7, RATE = 0.5 }\n${RUN}[sweep]\na = [1, 2, 0.5, "x"]\n`);
  assert.deepEqual(task.resources, { gpus: 2, cpus: 16, memory: "4096", timeLimit: "90" });
  assert.deepEqual(task.environment.env, { SEED: "7", RATE: "0.5" });
  assert.deepEqual(task.sweep, { a: [1, 2, 0.5, "x"] });
  assert.equal(typeof task.sweep.a[0], "number");
  for (const bad of ["gpus = 4.0", "gpus = 1e9", "cpus = 4e0", "time_limit = 90.0"]) {
    assert.throws(() => parse(`[resources]\n${bad}\n${RUN.replace(" {a}", "")}`), TaskFileError, bad);
  }
});

test("three ranges of 0..999 are refused in milliseconds, from the counts alone", () => {
  const start = performance.now();
  assert.throws(
    () => parse('[run]\ncommand = "x {a} {b} {c}"\n[sweep]\na = "0..999"\nb = "0..999"\nc = "0..999"\n'),
    (e) => e instanceof TaskFileError && e.issues.some((i) => i.key === "sweep" && /1,000,000,000/.test(i.message)),
  );
  // Generous: it used to run out of memory after 65 s.
  assert.ok(performance.now() - start < 1000);
});

test("a sweep of exactly 1000 runs is accepted", () => {
  const task = parse('[run]\ncommand = "x {a} {b}"\n[sweep]\na = "1..10"\nb = "1..100"\n');
  assert.equal(task.sweep!.b!.length, 100);
});

test("task names are git ref components: the parser and --name ask isTaskName", () => {
  for (const ok of ["train", "resnet-v2", "a.b", "A_1", "x".repeat(64), "lock", "a.locked"]) assert.ok(isTaskName(ok), ok);
  for (const bad of ["resnet..v2", "weights.lock", "run.", ".x", "-x", "a b", "a/b", "x".repeat(65), "", "a@{b"]) assert.ok(!isTaskName(bad), bad);
  assert.throws(() => parse('[task]\nname = "resnet..v2"\n[run]\ncommand = "x"\n'), TaskFileError);
  // A branch that cannot name a task says to set [task] name.
  assert.throws(() => parseTaskFile('[run]\ncommand = "x"\n', { file: "task.toml", branch: "ailab/weights.lock" }), /set \[task\] name/);
});

test("wheel file names: the PEP 427 shape uv accepts", () => {
  for (const ok of ["op-0.1-py3-none-any.whl", "my_op-0.1.0-cp310-cp310-linux_x86_64.whl", "torch-2.1.0+cu121-cp311-cp311-linux_x86_64.whl", "pkg-1.0-1build-py3-none-any.whl", "numpy-2.2.6-cp310-cp310-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"]) {
    assert.ok(isWheelFileName(ok), ok);
  }
  for (const bad of ["my_op-0.1.0-cp310-linux_x86_64.whl", "op.whl", ".whl", "op-0.1.tar.gz", "my op-0.1-py3-none-any.whl", "-op-0.1-py3-none-any.whl", "op-0.1-py3-none-any.whl.zip"]) {
    assert.ok(!isWheelFileName(bad), bad);
  }
});

test("a bad value is quoted back cut to a readable length", () => {
  assert.equal(describeValue("short"), '"short"');
  assert.equal(describeValue("x".repeat(100)), `"${"x".repeat(60)}"… (100 characters)`);
  assert.equal(describeValue("😀".repeat(70)), `"${"😀".repeat(60)}"… (70 characters)`, "cut between characters, not inside one");
  assert.equal(describeValue(4), "the float 4");
  assert.equal(describeValue(4n), "4");
});

test("task file bytes: UTF-8 (with or without a BOM) is read; UTF-16 and invalid bytes are refused saying so", () => {
  assert.deepEqual(decodeTaskFile(Buffer.from("\ufeffa = 1\n"), "task.toml"), { ok: true, text: "a = 1\n" });
  const utf16 = decodeTaskFile(Buffer.from("\ufeffa = 1\n", "utf16le"), "task.toml");
  assert.ok(!utf16.ok && /UTF-16/.test(utf16.issue.message));
  const latin1 = decodeTaskFile(Buffer.from("a = 1\n# caf\xe9\n", "latin1"), "task.toml");
  assert.ok(!latin1.ok && /not UTF-8 \(line 2, byte 11/.test(latin1.issue.message), latin1.ok ? "" : latin1.issue.message);
});
