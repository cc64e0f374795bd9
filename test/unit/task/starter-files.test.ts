import { test } from "node:test";
import assert from "node:assert/strict";
import { parseTaskFile } from "../../../core/task/parse-task-file.js";
import { starterTaskToml } from "../../../core/task/starter-files.js";

test("the starter task.toml parses as it stands, with the defaults", () => {
  const task = parseTaskFile(starterTaskToml(), { file: "task.toml", branch: "ailab/first" });
  assert.equal(task.name, "first");
  assert.deepEqual(task.run.commands, ["python main.py"]);
  assert.deepEqual(task.resources, { gpus: 0, cpus: 1, memory: "4G", timeLimit: "1:00:00" });
});

test("the starter task.toml names the task and its command when given them", () => {
  const text = starterTaskToml({ name: "mnist", command: 'python train.py --msg "hi"' });
  const task = parseTaskFile(text, { file: "task.toml" });
  assert.equal(task.name, "mnist");
  assert.deepEqual(task.run.commands, ['python train.py --msg "hi"']);
  // An unusable name falls back to the branch rather than writing an invalid file.
  assert.equal(parseTaskFile(starterTaskToml({ name: "my project" }), { file: "task.toml", branch: "ailab/p" }).name, "p");
});

test("every key of the schema appears in the starter file, and switched on it still parses", () => {
  // Commented-out settings are the lines "# key = …" and "# [sweep]".
  const allOn = starterTaskToml().replace(/^# (?=[a-z_]+ = |\[sweep\])/gm, "");
  for (const key of [
    "name", "description", "cluster", "gpus", "gpu_type", "cpus", "memory", "time_limit", "partition",
    "pyproject", "lockfile", "extra_wheels", "env", "ignore", "datasets", "download", "upload",
    "workdir", "command", "commands", "results", "logs", "lr", "seed",
  ]) {
    assert.match(allOn, new RegExp(`^${key} = `, "m"), key);
  }
  assert.match(allOn, /^\[sweep\]/m);
  // command and commands exclude each other: keep command.
  const task = parseTaskFile(allOn.replace(/^commands = .*$/m, ""), { file: "task.toml", branch: "ailab/x" });
  assert.equal(task.resources.gpuType, "a100");
  assert.deepEqual(task.run.commands, ["python main.py"]);
  assert.deepEqual(task.sweep, { lr: [0.1, 0.01], seed: [1, 2, 3] });
});
