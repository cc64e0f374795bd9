import assert from "node:assert/strict";
import { test } from "node:test";
import { decideNext, NO_USAGE, type Capacity, type UserUsage, type WaitingTask } from "../../../runner-agent/fair-share.js";

const task = (taskId: string, user: string, queuedAt: number, gpus = 1): WaitingTask => ({ taskId, user, gpus, cpus: 1, reservedGpuHours: gpus * 0.5, queuedAt });
const use = (u: Partial<UserUsage>): UserUsage => ({ ...NO_USAGE, ...u });
const jobs = (n: number): Capacity => ({ jobs: n, gpus: Infinity, cpus: Infinity });
const UNBOUNDED = jobs(Infinity);
const dispatched = (d: ReturnType<typeof decideNext>) => d.filter((x) => x.action === "dispatch").map((x) => x.taskId);

test("with one running job per user, alice's second job waits while bob's goes", () => {
  const waiting = [task("a1", "alice", 1), task("a2", "alice", 2), task("b1", "bob", 3)];
  assert.deepEqual(dispatched(decideNext(waiting, new Map(), { maxRunningJobsPerUser: 1, periodHours: 168 }, UNBOUNDED)), ["a1", "b1"]);
  const aliceBusy = new Map([["alice", use({ runningJobs: 1, runningGpus: 1 })]]);
  assert.deepEqual(dispatched(decideNext([task("a2", "alice", 2)], aliceBusy, { maxRunningJobsPerUser: 1, periodHours: 168 }, UNBOUNDED)), []);
});

test("the user who used least lately goes first; a user's own tasks keep their order", () => {
  const waiting = [task("a1", "alice", 1), task("a2", "alice", 2), task("b1", "bob", 3), task("c1", "carol", 4)];
  const usage = new Map([["alice", use({ gpuHours: 5 })], ["bob", use({ gpuHours: 1 })]]);
  assert.deepEqual(dispatched(decideNext(waiting, usage, { periodHours: 168 }, jobs(2))), ["c1", "b1"]);
  assert.deepEqual(dispatched(decideNext(waiting, usage, { periodHours: 168 }, jobs(10))), ["c1", "b1", "a1", "a2"]);
});

test("a GPU limit counts GPUs, not jobs", () => {
  const waiting = [task("a1", "alice", 1, 2), task("a2", "alice", 2, 1)];
  assert.deepEqual(dispatched(decideNext(waiting, new Map(), { maxGpusPerUser: 2, periodHours: 24 }, UNBOUNDED)), ["a1"]);
});

test("a task over its user's GPU-hour budget is rejected with a reason; CPU-only tasks are not", () => {
  const usage = new Map([["alice", use({ gpuHours: 10.5 })]]);
  const d = decideNext([task("a1", "alice", 1), task("a2", "alice", 2, 0)], usage, { gpuHoursPerPeriod: 10, periodHours: 168 }, UNBOUNDED);
  assert.deepEqual(d, [
    { taskId: "a1", action: "reject", reason: "over budget: alice used 10.50 of 10 GPU-hours in the last 7 days" },
    { taskId: "a2", action: "dispatch" },
  ]);
});

test("no slots, no dispatch", () => {
  assert.deepEqual(decideNext([task("a1", "alice", 1)], new Map(), { periodHours: 1 }, jobs(0)), []);
});

test("a user at a limit has every waiting task held, with the reason their status shows", () => {
  const waiting = [task("a2", "alice", 2), task("a3", "alice", 3), task("b1", "bob", 4, 2)];
  const usage = new Map([["alice", use({ runningJobs: 1, runningGpus: 1 })], ["bob", use({ runningJobs: 1, runningGpus: 1 })]]);
  assert.deepEqual(decideNext(waiting, usage, { maxRunningJobsPerUser: 1, periodHours: 168 }, UNBOUNDED), [
    { taskId: "a2", action: "hold", reason: "waiting for your running jobs (limit 1 at once)" },
    { taskId: "a3", action: "hold", reason: "waiting for your running jobs (limit 1 at once)" },
    { taskId: "b1", action: "hold", reason: "waiting for your running jobs (limit 1 at once)" },
  ]);
  assert.deepEqual(decideNext(waiting, usage, { maxGpusPerUser: 2, periodHours: 168 }, UNBOUNDED), [
    { taskId: "a2", action: "dispatch" },
    { taskId: "a3", action: "hold", reason: "waiting for your running jobs (limit 2 GPUs at once)" },
    { taskId: "b1", action: "hold", reason: "waiting for your running jobs (limit 2 GPUs at once)" },
  ]);
});

test("a task waiting only for a free slot is not held by a limit", () => {
  assert.deepEqual(decideNext([task("a1", "alice", 1)], new Map(), { maxRunningJobsPerUser: 1, periodHours: 168 }, jobs(0)), []);
});

test("a task asking for more GPUs than any user may hold at once fails instead of waiting forever", () => {
  assert.deepEqual(decideNext([task("a1", "alice", 1, 4)], new Map(), { maxGpusPerUser: 2, periodHours: 168 }, UNBOUNDED), [
    { taskId: "a1", action: "reject", reason: "the task asks for 4 GPUs; alice may hold at most 2 at once" },
  ]);
});
