import { test } from "node:test";
import assert from "node:assert/strict";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { openRunnerDb } from "../../../runner-agent/runner-db.js";
import { fakeNvidiaSmi } from "../../helpers/fake-nvidia-smi.js";
import { HOUR_MS, seedFinishedTask } from "../../helpers/runner-history.js";
import { PYPROJECT, publishProject, sendToRunner, taskToml } from "../../helpers/runner-project.js";
import { createRunnerWorld, TEST_RUNNER, TEST_SECRET } from "../../helpers/runner-world.js";
import { enteredInOrder, firstAt, reportedIn } from "../../helpers/start-order.js";

// The local executor with two (fake) GPUs: two slots for one-GPU tasks.
const SLOTS = 2;
const BOB_TASKS = 40;

test("after bob pushes 40 tasks, alice's one task starts in the next free slot, and bob's start in push order", async (t) => {
  const world = await createRunnerWorld(t);
  // alice used an hour yesterday, bob nothing: ranked by hours alone, all of bob's tasks would go first.
  const db = openRunnerDb(join(world.dataDir, "runner.db"));
  seedFinishedTask(db, { user: "alice", gpus: 1, startedAt: Date.now() - 25 * HOUR_MS, endedAt: Date.now() - 24 * HOUR_MS, outcome: "success" });
  db.close();
  const go = join(world.root, "go");
  const toml = taskToml([`while [ ! -e ${go} ]; do sleep 0.05; done`], { gpus: 1 });
  const project = await publishProject(t, world.store, { "task.toml": toml });
  // bob's first task has an environment of its own, built while his second's is cached: it must still start first.
  const slowEnv = await publishProject(t, world.store, { "task.toml": toml, "pyproject.toml": PYPROJECT.replace('name = "demo"', 'name = "demo-own-env"') });
  // Unsandboxed: the jobs wait on a gate file in the test's folder, which the sandbox hides; the order under test does not depend on it.
  await world.start({ maxJobs: String(BOB_TASKS), sandbox: "none" }, await fakeNvidiaSmi(t));

  const warmUp = project.submit({ user: "carol" });
  writeFileSync(go, "");
  await sendToRunner(world.store, TEST_SECRET, TEST_RUNNER, warmUp);
  assert.equal((await world.inbox.completion(warmUp.taskId)).state, "success", "the shared environment is built and cached");

  rmSync(go);
  const bob = [slowEnv.submit({ user: "bob" }), ...Array.from({ length: BOB_TASKS - 1 }, () => project.submit({ user: "bob" }))];
  const bobIds = bob.map((s) => s.taskId);
  for (const s of bob) {
    await sendToRunner(world.store, TEST_SECRET, TEST_RUNNER, s);
    // Messages sealed in one millisecond have no order between them: a few apart, the push order is the order sent.
    await sleep(3);
  }
  await world.inbox.until(() => reportedIn(world.inbox, bobIds, "running").length === SLOTS, 60_000, "bob's tasks in both slots");

  const alice = project.submit({ user: "alice" });
  await sendToRunner(world.store, TEST_SECRET, TEST_RUNNER, alice);
  await world.inbox.until(() => world.inbox.events(alice.taskId).length > 0, 10_000, "alice's task queued");
  const aliceQueued = world.inbox.events(alice.taskId)[0]!;
  assert.equal(aliceQueued.state, "queued");
  writeFileSync(go, "");

  for (const s of [...bob, alice]) assert.equal((await world.inbox.completion(s.taskId, 120_000)).state, "success");
  const aliceStart = firstAt(world.inbox, alice.taskId, "running")!;
  const bobStartsBefore = bobIds.filter((id) => {
    const at = firstAt(world.inbox, id, "running")!;
    return at > aliceQueued.at && at < aliceStart;
  });
  assert.ok(bobStartsBefore.length < SLOTS, `alice's task is among the next ${SLOTS} starts: ${bobStartsBefore.length} of bob's started between her push and her start`);
  const started = enteredInOrder(world.inbox, bobIds, "running");
  assert.ok(started.ok, `bob's tasks started in the order he pushed them: ${started.why}`);
});
