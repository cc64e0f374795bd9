import { test } from "node:test";
import assert from "node:assert/strict";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { openRunnerDb } from "../../../runner-agent/runner-db.js";
import { HOUR_MS, seedFinishedTask } from "../../helpers/runner-history.js";
import { PYPROJECT, publishProject, sendToRunner, taskToml } from "../../helpers/runner-project.js";
import { createRunnerWorld, TEST_RUNNER, TEST_SECRET } from "../../helpers/runner-world.js";
import { requireSlurm, scancelByPrefix } from "../../helpers/slurm-cluster.js";
import { enteredInOrder, firstAt, reportedIn } from "../../helpers/start-order.js";

// The real runner with --scheduler slurm on the one-node test cluster (two
// a100 GPUs): the runner releases one-GPU tasks two at a time, in its own
// fair-share order, instead of handing all to Slurm's first-come queue.
const SLOTS = 2;
const BOB_TASKS = 10;

test("on Slurm, after bob pushes 10 tasks, alice's one task starts in the next free GPU, and bob's start in push order", async (t) => {
  if (!requireSlurm(t)) return;
  const world = await createRunnerWorld(t);
  // alice used an hour yesterday, bob nothing: ranked by hours alone (or by Slurm's arrival order), bob's would all go first.
  const db = openRunnerDb(join(world.dataDir, "runner.db"));
  seedFinishedTask(db, { user: "alice", gpus: 1, startedAt: Date.now() - 25 * HOUR_MS, endedAt: Date.now() - 24 * HOUR_MS, outcome: "success" });
  db.close();
  const go = join(world.root, "go");
  // Each job runs a moment after `go`, long enough for the runner's squeue to see it running (and report its start).
  const toml = taskToml([`while [ ! -e ${go} ]; do sleep 0.2; done`, "sleep 1.5"], { gpus: 1, gpuType: "a100" });
  const project = await publishProject(t, world.store, { "task.toml": toml });
  // bob's first task has an environment of its own, still to build while his others' is cached: it must still go to Slurm first.
  const ownEnv = await publishProject(t, world.store, { "task.toml": toml, "pyproject.toml": PYPROJECT.replace('name = "demo"', 'name = "demo-own-env"') });
  const warmUp = project.submit({ user: "carol" });
  const bob = [ownEnv.submit({ user: "bob" }), ...Array.from({ length: BOB_TASKS - 1 }, () => project.submit({ user: "bob" }))];
  const alice = project.submit({ user: "alice" });
  for (const s of [warmUp, ...bob, alice]) t.after(() => scancelByPrefix(`ailab-${s.taskId}`));
  // Unsandboxed: the jobs wait on a gate file in the test's folder, which the sandbox hides; the order under test does not depend on it.
  await world.start({ scheduler: "slurm", sandbox: "none" });

  writeFileSync(go, "");
  await sendToRunner(world.store, TEST_SECRET, TEST_RUNNER, warmUp);
  assert.equal((await world.inbox.completion(warmUp.taskId, 180_000)).state, "success", "the shared environment is built and cached");
  rmSync(go);

  const bobIds = bob.map((s) => s.taskId);
  for (const s of bob) {
    await sendToRunner(world.store, TEST_SECRET, TEST_RUNNER, s);
    // Messages sealed in one millisecond have no order between them: a few apart, the push order is the order sent.
    await sleep(3);
  }
  await world.inbox.until(() => reportedIn(world.inbox, bobIds, "running").length === SLOTS, 120_000, "bob's jobs running on both GPUs");
  assert.equal(reportedIn(world.inbox, bobIds, "building").length, SLOTS, "only as many of bob's tasks released as there are GPUs");

  await sendToRunner(world.store, TEST_SECRET, TEST_RUNNER, alice);
  await world.inbox.until(() => world.inbox.events(alice.taskId).length > 0, 30_000, "alice's task queued");
  const aliceQueued = world.inbox.events(alice.taskId)[0]!;
  writeFileSync(go, "");

  for (const s of [...bob, alice]) assert.equal((await world.inbox.completion(s.taskId, 240_000)).state, "success");
  const aliceStart = firstAt(world.inbox, alice.taskId, "running")!;
  const bobStartsBefore = bobIds.filter((id) => {
    const at = firstAt(world.inbox, id, "running")!;
    return at > aliceQueued.at && at < aliceStart;
  });
  assert.ok(bobStartsBefore.length < SLOTS, `alice's job is among the next ${SLOTS} to start: ${bobStartsBefore.length} of bob's started between her push and her start`);
  const released = enteredInOrder(world.inbox, bobIds, "building");
  assert.ok(released.ok, `bob's tasks released in push order: ${released.why}`);
  const started = enteredInOrder(world.inbox, bobIds, "running");
  assert.ok(started.ok, `bob's jobs started in push order: ${started.why}`);
});
