import assert from "node:assert/strict";
import { test } from "node:test";
import { openActionDb } from "../../../action/action-db.js";
import { toRunnerViews } from "../../../action/api/runner-views.js";
import { applyHeartbeat, listRunners } from "../../../action/runners/runner-store.js";
import { accountingOf, sumAccounting } from "../../../action/runners/user-accounting.js";
import { accounting, gpu, heartbeat } from "../../helpers/action-heartbeat.js";
import { tempDir } from "../../helpers/temp-dir.js";

const T0 = Date.parse("2024-05-01T12:00:00Z");

test("a heartbeat replaces its runner's row and accounting; an older one changes nothing", async (t) => {
  const db = openActionDb(await tempDir(t));
  t.after(() => db.close());
  const first = heartbeat("gpu-box", {
    gpuTypes: ["h100"],
    totalGpus: 1,
    freeGpus: 0,
    gpus: [gpu(0, "NVIDIA H100 80GB HBM3", "mfz3k2a1b0-7f2k")],
    accounting: [accounting("alice", { tasks: 2 }), accounting("bob", { tasks: 1 })],
    at: T0,
  });
  assert.equal(applyHeartbeat(db, first, T0 + 5), true);
  const newer = { ...first, freeGpus: 1, gpus: [gpu(0, "NVIDIA H100 80GB HBM3")], accounting: [accounting("alice", { tasks: 3 })], at: T0 + 1000 };
  assert.equal(applyHeartbeat(db, newer, T0 + 1005), true);
  assert.equal(applyHeartbeat(db, first, T0 + 2000), false, "arrived late: older than what is recorded");
  assert.equal(applyHeartbeat(db, newer, T0 + 2000), false, "the same heartbeat twice");

  const [box, ...others] = listRunners(db);
  assert.equal(others.length, 0);
  assert.equal(box!.freeGpus, 1);
  assert.equal(box!.gpus[0]!.taskId, null);
  assert.equal(box!.reportedAt, T0 + 1000);
  assert.equal(box!.lastSeen, T0 + 1005, "last seen by the action's clock");
  assert.equal(accountingOf(db, "alice")[0]!.tasks, 3);
  assert.deepEqual(accountingOf(db, "bob"), [], "bob's row went with the heartbeat that had it");
  const tasks = db.prepare("SELECT COUNT(*) AS n FROM tasks").get() as { n: number };
  assert.equal(tasks.n, 0);
});

test("accounting over several runners adds up; a runner without a limit makes the sum unlimited", async (t) => {
  const db = openActionDb(await tempDir(t));
  t.after(() => db.close());
  const alice = { tasks: 2, succeeded: 1, failed: 1, gpuHours: 1.5, cpuHours: 6, gpuHoursInPeriod: 1, gpuHoursBudget: 10, runningJobs: 1, maxRunningJobs: 2 };
  applyHeartbeat(db, heartbeat("cluster-a", { accounting: [accounting("alice", { ...alice, periodHours: 168, maxGpus: 2 })], at: T0 }), T0);
  applyHeartbeat(db, heartbeat("gpu-box", { accounting: [accounting("alice", { ...alice, periodHours: 24, maxGpus: null })], at: T0 }), T0);
  const rows = accountingOf(db, "alice");
  assert.deepEqual(
    rows.map((r) => r.runner),
    ["cluster-a", "gpu-box"],
  );
  assert.equal(rows[0]!.reportedAt, "2024-05-01T12:00:00.000Z");
  assert.deepEqual(sumAccounting(rows), {
    tasks: 4,
    succeeded: 2,
    failed: 2,
    gpuHours: 3,
    cpuHours: 12,
    gpuHoursInPeriod: 2,
    gpuHoursBudget: 20,
    periodHours: 168,
    runningJobs: 2,
    maxRunningJobs: 4,
    maxGpus: null,
  });
  assert.equal(sumAccounting(accountingOf(db, "carol")), undefined);
});

test("a runner's sandbox is kept from its heartbeat and shown by the API; an older runner's is left out", async (t) => {
  const db = openActionDb(await tempDir(t));
  t.after(() => db.close());
  applyHeartbeat(db, heartbeat("open-box", { sandbox: "none", at: T0 }), T0);
  applyHeartbeat(db, heartbeat("old-box", { at: T0 }), T0);
  applyHeartbeat(db, heartbeat("safe-box", { sandbox: "bwrap", at: T0 }), T0);
  const views = toRunnerViews(listRunners(db), { admin: false, now: T0, staleMs: 60_000 });
  assert.deepEqual(Object.fromEntries(views.map((v) => [v.name, v.sandbox ?? "unsaid"])), { "old-box": "unsaid", "open-box": "none", "safe-box": "bwrap" });
});
