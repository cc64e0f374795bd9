import { test } from "node:test";
import assert from "node:assert/strict";
import { readArchive } from "../../helpers/runner-artifacts.js";
import { publishProject, sendToRunner, taskToml } from "../../helpers/runner-project.js";
import { createRunnerWorld, TEST_RUNNER, TEST_SECRET } from "../../helpers/runner-world.js";

test("a job that exits non-zero ends as failure with its exit code and its log", async (t) => {
  const world = await createRunnerWorld(t);
  const project = await publishProject(t, world.store, { "task.toml": taskToml(["echo about to fail", "exit 3", "echo never"]) });
  await world.start();
  const submit = project.submit();
  await sendToRunner(world.store, TEST_SECRET, TEST_RUNNER, submit);
  const done = await world.inbox.completion(submit.taskId);
  assert.equal(done.state, "failure");
  assert.equal(done.exitCode, 3);
  assert.equal(done.description, "exit code 3: about to fail", "the status says why, in the job's last line");
  assert.equal(done.output, "about to fail");
  assert.equal(done.runCard.exitCode, 3);
  const log = (await readArchive(world.store, done, "logs.tar.gz", world.root)).get("job.log") ?? "";
  assert.match(log, /about to fail/);
  assert.doesNotMatch(log, /never/);
});

test("a Python job that raises ends as failure saying which exception, in the status and the run card", async (t) => {
  const world = await createRunnerWorld(t);
  const script = ["import sys", "print('epoch 1 loss=0.5', flush=True)", "print('warming up', file=sys.stderr)", "def main():", "    return 1 / 0", "main()", ""].join("\n");
  const project = await publishProject(t, world.store, { "task.toml": taskToml(["python train.py"]), "train.py": script });
  await world.start();
  const submit = project.submit();
  await sendToRunner(world.store, TEST_SECRET, TEST_RUNNER, submit);
  const done = await world.inbox.completion(submit.taskId);
  assert.equal(done.state, "failure");
  assert.equal(done.description, "exit code 1: ZeroDivisionError: division by zero");
  assert.equal(done.runCard.description, done.description);
  assert.match(done.output ?? "", /^epoch 1 loss=0\.5\nwarming up\nTraceback \(most recent call last\):\n[\s\S]*\nZeroDivisionError: division by zero$/);
});

test("a lockfile uv cannot read ends as error with uv's own message, and nothing runs", async (t) => {
  const world = await createRunnerWorld(t);
  const project = await publishProject(t, world.store, {
    "task.toml": taskToml(["touch ran-anyway"], { results: ["ran-anyway"] }),
    "uv.lock": "this is = not a lock [\n",
  });
  await world.start();
  const submit = project.submit();
  await sendToRunner(world.store, TEST_SECRET, TEST_RUNNER, submit);
  const done = await world.inbox.completion(submit.taskId);
  assert.equal(done.state, "error");
  assert.equal(done.exitCode, null);
  assert.match(done.description, /^environment build failed: uv sync exited with 2/);
  assert.match(done.description, /Failed to parse `uv\.lock`/);
  assert.ok(!done.artifacts.some((a) => a.name === "results.tar.gz"), "the job did not run");
  const logs = await readArchive(world.store, done, "logs.tar.gz", world.root);
  assert.match(logs.get("build.log") ?? "", /TOML parse error/);
  assert.deepEqual(world.inbox.events(submit.taskId).map((e) => e.state), ["queued", "building"]);
});

test("without uv the task ends as error saying how to install uv and where the runner looks", async (t) => {
  const world = await createRunnerWorld(t);
  const project = await publishProject(t, world.store, { "task.toml": taskToml(["true"]) });
  const uv = `${world.root}/no-such-dir/uv`;
  await world.start({ uv });
  const submit = project.submit();
  await sendToRunner(world.store, TEST_SECRET, TEST_RUNNER, submit);
  const done = await world.inbox.completion(submit.taskId);
  assert.equal(done.state, "error");
  assert.match(done.description, /pip install uv/);
  assert.match(done.description, /pipx install uv/);
  assert.ok(done.description.includes(JSON.stringify(uv)), done.description);
  assert.match(done.description, /AILAB_UV/);
});

test("a local job past its time limit is stopped and ends as failure", async (t) => {
  const world = await createRunnerWorld(t);
  const project = await publishProject(t, world.store, { "task.toml": taskToml(["echo started", "sleep 60"], { timeLimit: "0:02" }) });
  await world.start({ cancelGraceMs: "500" });
  const submit = project.submit();
  const sent = Date.now();
  await sendToRunner(world.store, TEST_SECRET, TEST_RUNNER, submit);
  const done = await world.inbox.completion(submit.taskId);
  assert.equal(done.state, "failure");
  assert.equal(done.description, "time limit 0:00:02 reached");
  assert.ok(Date.now() - sent < 30_000);
  assert.ok(done.durationSeconds >= 2 && done.durationSeconds < 20, String(done.durationSeconds));
});
