import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { PROTOCOL_VERSION } from "../../../core/protocol/envelope.js";
import { deliver, inboxes, sealMessage } from "../../../core/protocol/mailbox.js";
import { jobPaths } from "../../../runner-agent/job-paths.js";
import { sealFutureMessage } from "../../helpers/future-message.js";
import { publishProject, sendToRunner, taskToml } from "../../helpers/runner-project.js";
import { readArchive } from "../../helpers/runner-artifacts.js";
import { createRunnerWorld, TEST_RUNNER, TEST_SECRET } from "../../helpers/runner-world.js";

test("a message with a bad signature is rejected and nothing runs", async (t) => {
  const world = await createRunnerWorld(t);
  const project = await publishProject(t, world.store, { "task.toml": taskToml(["touch ran"]) });
  await world.start();
  const submit = project.submit();
  const forged = sealMessage(inboxes.runner(TEST_RUNNER), submit, "not-the-relay-secret-at-all");
  await deliver(world.store, forged);
  for (let i = 0; i < 100 && (await world.store.has(forged.key)); i++) await sleep(50);
  assert.equal(await world.store.has(forged.key), false, "the runner read and dropped the message");
  await sleep(500);
  await world.inbox.read();
  assert.deepEqual(world.inbox.taskMessages(), []);
  assert.equal(existsSync(join(world.dataDir, "jobs", submit.taskId)), false);
});

test("the same submit twice, as the same message or as a new one, runs once", async (t) => {
  const world = await createRunnerWorld(t);
  const project = await publishProject(t, world.store, { "task.toml": taskToml(["echo run"]) });
  await world.start();
  const submit = project.submit();
  const message = sealMessage(inboxes.runner(TEST_RUNNER), submit, TEST_SECRET);
  await deliver(world.store, message);
  await world.inbox.completion(submit.taskId);

  await deliver(world.store, message); // the very same message again
  await sendToRunner(world.store, TEST_SECRET, TEST_RUNNER, submit); // a new message, same task
  for (let i = 0; i < 100 && (await world.store.list(inboxes.runner(TEST_RUNNER))).length > 0; i++) await sleep(50);
  await sleep(500);
  await world.inbox.read();
  assert.equal(world.inbox.completions(submit.taskId).length, 1);
  assert.equal(world.inbox.events(submit.taskId).filter((e) => e.state === "queued").length, 1);
  // The job's log on the runner (appended to by every start of the job) holds one run.
  assert.equal(readFileSync(jobPaths(world.dataDir, submit.taskId).logFile, "utf8").match(/^run$/gm)?.length, 1);
});

test("while the relay cannot take the runner's messages, they wait; afterwards all arrive, in order", async (t) => {
  const world = await createRunnerWorld(t);
  const project = await publishProject(t, world.store, { "task.toml": taskToml(["echo hello"]) });
  // The to-action folder is a file: every write of a message there fails.
  const blocked = join(world.relayDir, "messages", "to-action");
  mkdirSync(join(world.relayDir, "messages"), { recursive: true });
  writeFileSync(blocked, "in the way");
  await world.start();
  const submit = project.submit();
  await sendToRunner(world.store, TEST_SECRET, TEST_RUNNER, submit);
  for (let i = 0; i < 200 && !existsSync(join(world.dataDir, "runner-files", submit.taskId, "out", "run.json")); i++) await sleep(50);
  await sleep(300);
  await world.inbox.read();
  assert.deepEqual(world.inbox.messages, [], "nothing got through while the relay refused writes");
  rmSync(blocked);

  const done = await world.inbox.completion(submit.taskId);
  assert.equal(done.state, "success");
  const events = world.inbox.events(submit.taskId);
  assert.deepEqual(events.map((e) => e.state).slice(0, 3), ["queued", "building", "running"]);
  assert.deepEqual(events.map((e) => e.seq), events.map((_, i) => i));
});

test("a submit with fields this runner does not know, in the envelope, the body and the task, is applied and runs", async (t) => {
  const world = await createRunnerWorld(t);
  // The job leaves `ran` among its results: it ran (a job sees nothing of the test's folders to leave a mark in).
  const project = await publishProject(t, world.store, { "task.toml": taskToml(["touch ran"], { results: ["ran"] }) });
  await world.start();
  const submit = project.submit();
  const fromNewerAction = {
    ...submit,
    priority: "high",
    task: { ...submit.task, checkpoints: { every: "1h" }, resources: { ...submit.task.resources, constraint: "ampere" } },
  };
  await deliver(world.store, sealFutureMessage(inboxes.runner(TEST_RUNNER), fromNewerAction, TEST_SECRET, { protocol: PROTOCOL_VERSION, members: { traceId: "abc123" } }));
  const done = await world.inbox.completion(submit.taskId);
  assert.equal(done.state, "success", done.description);
  const results = await readArchive(world.store, done, "results.tar.gz", world.root);
  assert.ok([...results.keys()].some((name) => name.endsWith("ran")), [...results.keys()].join(", "));
});

test("a message of a newer protocol the runner cannot read stays in its inbox, and a submit behind it runs", async (t) => {
  const world = await createRunnerWorld(t);
  const project = await publishProject(t, world.store, { "task.toml": taskToml(["echo hello"]) });
  const inbox = inboxes.runner(TEST_RUNNER);
  const future = sealFutureMessage(inbox, { kind: "submit", taskId: "not yet known how", plan: { steps: [] } }, TEST_SECRET, { protocol: PROTOCOL_VERSION + 1, now: Date.now() - 60_000 });
  await deliver(world.store, future);
  await world.start();
  const submit = project.submit();
  await sendToRunner(world.store, TEST_SECRET, TEST_RUNNER, submit);
  const done = await world.inbox.completion(submit.taskId);
  assert.equal(done.state, "success", done.description);
  await sleep(300); // a few more cycles
  assert.deepEqual(await world.store.list(inbox), [future.key]);
});

test("a 3 GiB 0.json dropped into the runner's inbox is moved aside unread, and a submit behind it runs", async (t) => {
  const world = await createRunnerWorld(t);
  const project = await publishProject(t, world.store, { "task.toml": taskToml(["echo hello"]) });
  const inbox = inboxes.runner(TEST_RUNNER);
  const dropped = join(world.relayDir, inbox, "0.json");
  mkdirSync(join(world.relayDir, inbox), { recursive: true });
  writeFileSync(dropped, "");
  truncateSync(dropped, 3 * 1024 ** 3); // sparse: costs no disk
  const { ino } = statSync(dropped);
  await world.start();
  const submit = project.submit();
  await sendToRunner(world.store, TEST_SECRET, TEST_RUNNER, submit);
  const done = await world.inbox.completion(submit.taskId);
  assert.equal(done.state, "success", done.description);
  assert.deepEqual(await world.store.list(inbox), []);
  const aside = statSync(join(world.relayDir, "rejected", inbox, "0.json"));
  assert.equal(aside.ino, ino, "moved, not copied");
  assert.ok(aside.blocks * 512 < 1024 * 1024, "still sparse: never read or written out");
});
