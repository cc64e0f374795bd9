import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { openRunnerDb } from "../../../runner-agent/runner-db.js";
import { userAccounting } from "../../../runner-agent/user-accounting.js";
import { HOUR_MS, seedFinishedTask } from "../../helpers/runner-history.js";
import { publishProject, sendToRunner, taskToml } from "../../helpers/runner-project.js";
import { createRunnerWorld, TEST_RUNNER, TEST_SECRET } from "../../helpers/runner-world.js";
import { requireSlurm, scancelByPrefix } from "../../helpers/slurm-cluster.js";
import { enteredInOrder, firstAt, reportedIn } from "../../helpers/start-order.js";

// The real runner with --scheduler slurm against the one-node test cluster
// (scripts/slurm-test-cluster.sh). Slurm queues jobs itself; the runner holds
// a user's tasks back only for fair share.

test("on Slurm, with one job per user allowed, alice's second job stays in the runner's queue while bob's runs", async (t) => {
  if (!requireSlurm(t)) return;
  const world = await createRunnerWorld(t);
  const go = join(world.root, "go");
  const project = await publishProject(t, world.store, { "task.toml": taskToml([`while [ ! -e ${go} ]; do sleep 0.2; done`]) });
  const [alice1, alice2, bob] = [project.submit({ user: "alice" }), project.submit({ user: "alice" }), project.submit({ user: "bob" })];
  for (const s of [alice1, alice2, bob]) t.after(() => scancelByPrefix(`ailab-${s.taskId}`));
  // Unsandboxed: the jobs wait on a gate file in the test's folder, which the sandbox hides; the order under test does not depend on it.
  await world.start({ scheduler: "slurm", maxJobsPerUser: "1", sandbox: "none" });
  for (const s of [alice1, alice2, bob]) await sendToRunner(world.store, TEST_SECRET, TEST_RUNNER, s);

  const ran = (id: string) => world.inbox.events(id).some((e) => e.state === "running");
  await world.inbox.until(() => ran(alice1.taskId) && ran(bob.taskId), 120_000, "alice's first job and bob's running in Slurm");
  await sleep(1000);
  await world.inbox.read();
  assert.deepEqual(
    world.inbox.events(alice2.taskId).map((e) => `${e.state}: ${e.description}`),
    ["queued: queued", "queued: queued · waiting for your running jobs (limit 1 at once)"],
    "never handed to Slurm while alice's first job runs",
  );

  writeFileSync(go, "");
  for (const s of [alice1, alice2, bob]) {
    const done = await world.inbox.completion(s.taskId, 180_000);
    assert.equal(done.state, "success", done.description);
  }
});

test("on Slurm, the user with the lighter history goes first: tasks wait in the runner's queue, not in Slurm's first-come line", async (t) => {
  if (!requireSlurm(t)) return;
  const world = await createRunnerWorld(t);
  const db = openRunnerDb(join(world.dataDir, "runner.db"));
  seedFinishedTask(db, { user: "alice", gpus: 2, startedAt: Date.now() - 26 * HOUR_MS, endedAt: Date.now() - 24 * HOUR_MS, outcome: "success" });
  db.close();
  const go = join(world.root, "go");
  // Two-GPU tasks: the node runs one at a time.
  const project = await publishProject(t, world.store, { "task.toml": taskToml([`while [ ! -e ${go} ]; do sleep 0.2; done`, "sleep 2"], { gpus: 2 }) });
  const [carol, alice, bob] = [project.submit({ user: "carol" }), project.submit({ user: "alice" }), project.submit({ user: "bob" })];
  for (const s of [carol, alice, bob]) t.after(() => scancelByPrefix(`ailab-${s.taskId}`));
  // Unsandboxed: the jobs wait on a gate file in the test's folder, which the sandbox hides; the order under test does not depend on it.
  await world.start({ scheduler: "slurm", sandbox: "none" });
  await sendToRunner(world.store, TEST_SECRET, TEST_RUNNER, carol);
  await world.inbox.until(() => firstAt(world.inbox, carol.taskId, "running") !== undefined, 120_000, "carol's job holding both GPUs");
  // alice pushes first; with Slurm's first-come order she would also go first.
  await sendToRunner(world.store, TEST_SECRET, TEST_RUNNER, alice);
  await world.inbox.until(() => world.inbox.events(alice.taskId).length > 0, 30_000, "alice's task queued");
  await sendToRunner(world.store, TEST_SECRET, TEST_RUNNER, bob);
  await world.inbox.until(() => world.inbox.events(bob.taskId).length > 0, 30_000, "bob's task queued");
  await sleep(1500);
  await world.inbox.read();
  assert.deepEqual(reportedIn(world.inbox, [carol.taskId, alice.taskId, bob.taskId], "building"), [carol.taskId], "neither alice's nor bob's task is handed to Slurm while carol's holds the GPUs");

  writeFileSync(go, "");
  const done = new Map<string, Awaited<ReturnType<typeof world.inbox.completion>>>();
  for (const s of [carol, alice, bob]) {
    const completion = await world.inbox.completion(s.taskId, 180_000);
    assert.equal(completion.state, "success", completion.description);
    done.set(s.taskId, completion);
  }
  const released = enteredInOrder(world.inbox, [carol.taskId, bob.taskId, alice.taskId], "building");
  assert.ok(released.ok, `bob, who used nothing, was released before alice, who used 4 GPU-hours: ${released.why}`);
  const card = (id: string) => done.get(id)!.runCard;
  assert.ok(Date.parse(card(alice.taskId).startedAt!) >= Date.parse(card(bob.taskId).endedAt!), "Slurm started alice's job after bob's ended");
});

test("on Slurm, a tiny budget holds: a task is released only while used + reserved (GPUs × time limit) fits, and one that can never fit fails at once", async (t) => {
  if (!requireSlurm(t)) return;
  const world = await createRunnerWorld(t);
  const limitsFile = join(world.root, "user-limits.toml");
  // Everyone has 10 GPU-hours; the new student 0.025 — one one-minute GPU job (0.017 reserved) at a time.
  writeFileSync(limitsFile, '[users."new-student"]\ngpu_hours = 0.025\n');
  const oneMinute = await publishProject(t, world.store, { "task.toml": taskToml(["sleep 2"], { gpus: 1, timeLimit: "1" }) });
  const tenMinutes = await publishProject(t, world.store, { "task.toml": taskToml(["echo never"], { gpus: 1, timeLimit: "10" }) });
  const small = [0, 1, 2].map(() => oneMinute.submit({ user: "new-student" }));
  const big = tenMinutes.submit({ user: "new-student" });
  for (const s of [...small, big]) t.after(() => scancelByPrefix(`ailab-${s.taskId}`));
  for (const s of [...small, big]) {
    await sendToRunner(world.store, TEST_SECRET, TEST_RUNNER, s);
    await sleep(3); // a few milliseconds apart, the push order is the order sent
  }
  await world.start({ scheduler: "slurm", gpuHoursPerUser: "10", userLimits: limitsFile });

  const refused = await world.inbox.completion(big.taskId, 60_000);
  assert.equal(refused.state, "failure");
  assert.equal(refused.description, "over budget: the task reserves 0.17 GPU-hours (GPUs × time limit); new-student used 0.00 of 0.025 in the last 7 days");
  assert.equal(refused.runCard.startedAt, null, "never handed to Slurm");

  const done = [];
  for (const s of small) {
    const completion = await world.inbox.completion(s.taskId, 180_000);
    assert.equal(completion.state, "success", completion.description);
    done.push(completion);
  }
  // One at a time: each was released only after the one before had ended in Slurm.
  const released = small.map((s) => s.taskId);
  for (let i = 1; i < released.length; i++) {
    const before = done.find((c) => c.taskId === released[i - 1])!;
    const building = world.inbox.events(released[i]!).find((e) => e.state === "building")!;
    assert.ok(building.at >= Date.parse(before.runCard.endedAt!), `task ${i + 1} released after task ${i} ended`);
  }
  const waited = world.inbox.events(released[1]!).map((e) => e.description);
  assert.ok(waited.includes("queued · waiting for your running jobs: 0.017 of 0.025 GPU-hours used or reserved, this task reserves 0.017"), waited.join("\n"));

  const db = openRunnerDb(join(world.dataDir, "runner.db"));
  const [account] = userAccounting(db, Date.now(), { periodHours: 168, gpuHoursPerPeriod: 10, users: { "new-student": { gpuHoursPerPeriod: 0.025 } } });
  db.close();
  assert.equal(account!.gpuHoursBudget, 0.025);
  assert.ok(account!.gpuHoursInPeriod > 0 && account!.gpuHoursInPeriod <= 0.025, `used ${account!.gpuHoursInPeriod} of 0.025`);
});
