import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { AccountingReport } from "../../../runner-agent/accounting-report.js";
import { openRunnerDb } from "../../../runner-agent/runner-db.js";
import { HOUR_MS, seedFinishedTask } from "../../helpers/runner-history.js";
import { publishProject, sendToRunner, taskToml } from "../../helpers/runner-project.js";
import { openJobGate, WAIT_FOR_GATE } from "../../helpers/job-gate.js";
import { createRunnerWorld, TEST_RUNNER, TEST_SECRET } from "../../helpers/runner-world.js";

const MAIN = join(dirname(fileURLToPath(import.meta.url)), "../../../runner-agent/main.js");

/** A job that runs until the test opens the gate (openJobGate). */
const WAIT_FOR_GO = taskToml([WAIT_FOR_GATE]);

test("with one running job per user allowed, alice's second job waits while bob's runs", async (t) => {
  const world = await createRunnerWorld(t);
  const project = await publishProject(t, world.store, { "task.toml": WAIT_FOR_GO });
  await world.start({ maxJobs: "2", maxJobsPerUser: "1" });
  const [alice1, alice2, bob] = [project.submit({ user: "alice" }), project.submit({ user: "alice" }), project.submit({ user: "bob" })];
  for (const s of [alice1, alice2, bob]) await sendToRunner(world.store, TEST_SECRET, TEST_RUNNER, s);

  const states = (id: string) => world.inbox.events(id).map((e) => e.state);
  await world.inbox.until(() => [alice1, bob].every((s) => states(s.taskId).includes("running")), 30_000, "alice's first job and bob's running");
  await world.inbox.until(() => world.inbox.events(alice2.taskId).length > 1, 10_000, "a status for alice's second job");
  assert.deepEqual(
    world.inbox.events(alice2.taskId).map((e) => `${e.state}: ${e.description}`),
    ["queued: queued", "queued: queued · waiting for your running jobs (limit 1 at once)"],
  );

  openJobGate(t, world);
  const done = new Map<string, Awaited<ReturnType<typeof world.inbox.completion>>>();
  for (const s of [alice1, alice2, bob]) {
    const completion = await world.inbox.completion(s.taskId);
    assert.equal(completion.state, "success", completion.description);
    done.set(s.taskId, completion);
  }
  const secondBuilt = world.inbox.events(alice2.taskId).find((e) => e.state === "building")!;
  assert.ok(secondBuilt.at >= Date.parse(done.get(alice1.taskId)!.runCard.endedAt!), "alice's second job started only after her first ended");
});

test("the next task to run belongs to the user who has used least lately", async (t) => {
  const world = await createRunnerWorld(t);
  const db = openRunnerDb(join(world.dataDir, "runner.db"));
  const now = Date.now();
  seedFinishedTask(db, { user: "alice", gpus: 0, cpus: 4, startedAt: now - 3 * HOUR_MS, endedAt: now - 2 * HOUR_MS, outcome: "success" });
  db.close();
  const project = await publishProject(t, world.store, { "task.toml": WAIT_FOR_GO });
  const [blocker, alice, bob] = [project.submit({ user: "carol" }), project.submit({ user: "alice" }), project.submit({ user: "bob" })];
  // carol's job takes the one slot; alice and bob queue behind it, alice first.
  await sendToRunner(world.store, TEST_SECRET, TEST_RUNNER, blocker);
  await world.start({ maxJobs: "1" });
  await world.inbox.until(() => world.inbox.events(blocker.taskId).some((e) => e.state === "running"), 30_000, "carol's job running");
  await sendToRunner(world.store, TEST_SECRET, TEST_RUNNER, alice);
  await world.inbox.until(() => world.inbox.events(alice.taskId).length > 0, 10_000, "alice's task queued");
  await sendToRunner(world.store, TEST_SECRET, TEST_RUNNER, bob);
  await world.inbox.until(() => world.inbox.events(bob.taskId).length > 0, 10_000, "bob's task queued");

  openJobGate(t, world);
  for (const s of [blocker, alice, bob]) assert.equal((await world.inbox.completion(s.taskId)).state, "success");
  const startOf = (id: string) => world.inbox.events(id).find((e) => e.state === "building")!.at;
  assert.ok(startOf(bob.taskId) < startOf(alice.taskId), "bob, who used nothing, went before alice, who came first");
});

test("a GPU task over its user's budget fails saying so; the accounting command prints the numbers while the runner runs", async (t) => {
  const world = await createRunnerWorld(t);
  const db = openRunnerDb(join(world.dataDir, "runner.db"));
  const now = Date.now();
  // alice: 10.5 GPU-hours over the last two days (7 h on 1 GPU, then 1.75 h on 2); a failure too.
  seedFinishedTask(db, { user: "alice", gpus: 1, startedAt: now - 48 * HOUR_MS, endedAt: now - 41 * HOUR_MS, outcome: "success" });
  seedFinishedTask(db, { user: "alice", gpus: 2, startedAt: now - 24 * HOUR_MS, endedAt: now - 22.25 * HOUR_MS, outcome: "failure" });
  db.close();
  const gpuProject = await publishProject(t, world.store, { "task.toml": taskToml(["echo cuda=$CUDA_VISIBLE_DEVICES"], { gpus: 1 }) });
  const cpuProject = await publishProject(t, world.store, { "task.toml": taskToml(["echo no GPU needed"]) });
  await world.start({ gpus: "0,1", maxJobs: "2", gpuHoursPerUser: "10", maxJobsPerUser: "1" });

  const [aliceGpu, aliceCpu, bobGpu] = [gpuProject.submit({ user: "alice" }), cpuProject.submit({ user: "alice" }), gpuProject.submit({ user: "bob" })];
  for (const s of [aliceGpu, aliceCpu, bobGpu]) await sendToRunner(world.store, TEST_SECRET, TEST_RUNNER, s);
  const over = await world.inbox.completion(aliceGpu.taskId);
  assert.equal(over.state, "failure");
  assert.equal(over.description, "over budget: alice used 10.50 of 10 GPU-hours in the last 7 days");
  assert.equal(over.runCard.startedAt, null, "it never ran");
  assert.equal((await world.inbox.completion(aliceCpu.taskId)).state, "success", "a task without GPUs is not held to the GPU budget");
  assert.equal((await world.inbox.completion(bobGpu.taskId)).state, "success");

  const json = spawnSync(process.execPath, [MAIN, "accounting", "--json", "--data-dir", world.dataDir], { encoding: "utf8", timeout: 30_000 });
  assert.equal(json.status, 0, json.stderr);
  const report = JSON.parse(json.stdout) as AccountingReport;
  assert.deepEqual(report.limits, { maxRunningJobsPerUser: 1, gpuHoursPerPeriod: 10, periodHours: 168 });
  const alice = report.users.find((u) => u.user === "alice")!;
  assert.deepEqual(
    { tasks: alice.tasks, succeeded: alice.succeeded, failed: alice.failed, gpuHours: alice.gpuHours.toFixed(2), budget: alice.gpuHoursBudget, limit: alice.maxRunningJobs },
    { tasks: 4, succeeded: 2, failed: 2, gpuHours: "10.50", budget: 10, limit: 1 },
  );

  const table = spawnSync(process.execPath, [MAIN, "accounting"], { encoding: "utf8", timeout: 30_000, env: { PATH: process.env.PATH, AILAB_RUNNER_DIR: world.dataDir } });
  assert.equal(table.status, 0, table.stderr);
  const [header, aliceRow, bobRow] = table.stdout.trimEnd().split("\n");
  assert.match(header!, /^USER\s+TASKS\s+SUCCEEDED\s+FAILED\s+RUNNING\s+GPU-HOURS\s+CPU-HOURS\s+GPU-HOURS LAST 7 DAYS\s+BUDGET$/);
  assert.match(aliceRow!, /^alice\s+4\s+2\s+2\s+0\s+10\.50\s+8\.75\s+10\.50\s+10$/);
  // bob's one job ran for moments: its GPU-hours show in two significant digits, not as 0.00.
  const bobCells = /^bob\s+1\s+1\s+0\s+0\s+(\S+)\s+(\S+)\s+(\S+)\s+10$/.exec(bobRow!);
  assert.ok(bobCells, bobRow);
  assert.match(bobCells[1]!, /^0\.0*[1-9]\d$/, "two significant digits");
  assert.ok(Number(bobCells[1]) > 0 && Number(bobCells[1]) < 0.01);
  assert.equal(table.stderr.trim(), "per user: 1 job at once · 10 GPU-hours per 7 days");
});
