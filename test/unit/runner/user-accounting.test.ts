import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { openRunnerDb } from "../../../runner-agent/runner-db.js";
import { insertTask, updateTask } from "../../../runner-agent/task-rows.js";
import { userAccounting, userUsage } from "../../../runner-agent/user-accounting.js";
import { HOUR_MS, historicSubmit, seedFinishedTask } from "../../helpers/runner-history.js";
import { tempDir } from "../../helpers/temp-dir.js";

const NOW = Date.UTC(2025, 5, 30, 12);
const DAY_MS = 24 * HOUR_MS;

test("per-user tasks, outcomes, GPU- and CPU-hours, with the runner's limits and budget", async (t) => {
  const db = openRunnerDb(join(await tempDir(t), "runner.db"));
  t.after(() => db.close());
  // alice: 0.75 h on 1 GPU a month ago, 0.25 h yesterday, a failure of 0.25 h on 2 GPUs and 4 CPUs two days ago.
  seedFinishedTask(db, { user: "alice", gpus: 1, startedAt: NOW - 30 * DAY_MS, endedAt: NOW - 30 * DAY_MS + 0.75 * HOUR_MS, outcome: "success" });
  seedFinishedTask(db, { user: "alice", gpus: 1, startedAt: NOW - DAY_MS, endedAt: NOW - DAY_MS + 0.25 * HOUR_MS, outcome: "success" });
  seedFinishedTask(db, { user: "alice", gpus: 2, cpus: 4, startedAt: NOW - 2 * DAY_MS, endedAt: NOW - 2 * DAY_MS + 0.25 * HOUR_MS, outcome: "failure" });
  seedFinishedTask(db, { user: "bob", gpus: 0, startedAt: NOW - HOUR_MS, endedAt: NOW, outcome: "cancelled" });

  const [alice, bob] = userAccounting(db, NOW, { maxRunningJobsPerUser: 1, gpuHoursPerPeriod: 10, periodHours: 168 });
  assert.deepEqual(alice, {
    user: "alice",
    tasks: 3,
    succeeded: 2,
    failed: 1,
    gpuHours: 1.5,
    cpuHours: 2,
    gpuHoursInPeriod: 0.75,
    gpuHoursBudget: 10,
    periodHours: 168,
    runningJobs: 0,
    maxRunningJobs: 1,
    maxGpus: null,
  });
  assert.equal(bob!.tasks, 1);
  assert.equal(bob!.succeeded + bob!.failed, 0, "a cancelled task counts as neither");
  assert.equal(bob!.gpuHours, 0);
  assert.equal(bob!.cpuHours, 1);
});

test("the hours of a done task are kept as recorded when it ended, whatever later happens to its row", async (t) => {
  const db = openRunnerDb(join(await tempDir(t), "runner.db"));
  t.after(() => db.close());
  const id = seedFinishedTask(db, { user: "alice", gpus: 2, startedAt: NOW - 3 * HOUR_MS, endedAt: NOW - HOUR_MS, outcome: "success" });
  assert.equal(userAccounting(db, NOW, { periodHours: 168 })[0]!.gpuHours, 4);
  updateTask(db, id, { startedAt: NOW - 100 * HOUR_MS });
  assert.equal(userAccounting(db, NOW, { periodHours: 168 })[0]!.gpuHours, 4);
});

test("a task that ran across the start of the period counts inside it only for its share there", async (t) => {
  const db = openRunnerDb(join(await tempDir(t), "runner.db"));
  t.after(() => db.close());
  seedFinishedTask(db, { user: "alice", gpus: 1, startedAt: NOW - 25 * HOUR_MS, endedAt: NOW - 23 * HOUR_MS, outcome: "success" });
  const [alice] = userAccounting(db, NOW, { periodHours: 24 });
  assert.equal(alice!.gpuHours, 2);
  assert.equal(alice!.gpuHoursInPeriod, 1);
});

test("jobs building or running count as running, with their GPUs and their hours so far", async (t) => {
  const db = openRunnerDb(join(await tempDir(t), "runner.db"));
  t.after(() => db.close());
  const running = historicSubmit("alice", 2);
  insertTask(db, running, "queued", NOW - 2 * HOUR_MS);
  updateTask(db, running.taskId, { state: "running", startedAt: NOW - HOUR_MS });
  const building = historicSubmit("alice", 1);
  insertTask(db, building, "queued", NOW);
  updateTask(db, building.taskId, { state: "building" });
  insertTask(db, historicSubmit("alice", 1), "queued", NOW);

  const [alice] = userAccounting(db, NOW, { maxGpusPerUser: 4, periodHours: 168 });
  assert.equal(alice!.tasks, 3);
  assert.equal(alice!.runningJobs, 2);
  assert.equal(alice!.gpuHours, 2);
  assert.equal(alice!.maxGpus, 4);
  // Each task reserves GPUs × its 10-minute limit: the running one has used more than its 1/3 already, the building one holds its 1/6.
  assert.deepEqual(userUsage(db, NOW, 168).get("alice"), { runningJobs: 2, runningGpus: 3, startedRecently: 1, gpuHours: 2, cpuHours: 1, reservedGpuHours: 1 / 6 });
});

test("jobs started in the last hour count as started lately; older ones only by their hours", async (t) => {
  const db = openRunnerDb(join(await tempDir(t), "runner.db"));
  t.after(() => db.close());
  for (const minutesAgo of [5, 30, 59]) seedFinishedTask(db, { user: "bob", gpus: 0, startedAt: NOW - minutesAgo * 60_000, endedAt: NOW - minutesAgo * 60_000 + 1000, outcome: "success" });
  seedFinishedTask(db, { user: "bob", gpus: 0, startedAt: NOW - 2 * HOUR_MS, endedAt: NOW - HOUR_MS, outcome: "success" });
  assert.equal(userUsage(db, NOW, 168).get("bob")!.startedRecently, 3);
});
