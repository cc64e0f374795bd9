import assert from "node:assert/strict";
import { test } from "node:test";
import { decideNext, NO_USAGE, type Capacity, type FairShareLimits, type UserUsage, type WaitingTask } from "../../../runner-agent/fair-share.js";

// One-GPU tasks with a one-minute time limit: each reserves 1/60 GPU-hour.
const MINUTE = 1 / 60;
const task = (taskId: string, user: string, queuedAt: number, more: Partial<WaitingTask> = {}): WaitingTask => ({ taskId, user, gpus: 1, cpus: 1, reservedGpuHours: MINUTE, queuedAt, ...more });
const use = (u: Partial<UserUsage>): UserUsage => ({ ...NO_USAGE, ...u });
const slots = (jobs: number, gpus = Infinity, cpus = Infinity): Capacity => ({ jobs, gpus, cpus });
const WEEK: FairShareLimits = { periodHours: 168 };
const released = (d: ReturnType<typeof decideNext>) => d.filter((x) => x.action === "dispatch").map((x) => x.taskId);

test("after bob queues 200 tasks and runs two, alice (more hours used) gets the next free slot", () => {
  const bobs = Array.from({ length: 200 }, (_, i) => task(`b${i}`, "bob", i));
  const usage = new Map([
    ["bob", use({ runningJobs: 2, runningGpus: 2, startedRecently: 10, gpuHours: 0.001 })],
    ["alice", use({ gpuHours: 1 })],
  ]);
  assert.deepEqual(released(decideNext([...bobs, task("a0", "alice", 500)], usage, WEEK, slots(1))), ["a0"]);
});

test("with nothing running, the user who started fewer jobs lately goes first, before hours used", () => {
  const usage = new Map([["bob", use({ startedRecently: 30, gpuHours: 0.01 })], ["alice", use({ startedRecently: 1, gpuHours: 5 })]]);
  assert.deepEqual(released(decideNext([task("b1", "bob", 1), task("a1", "alice", 2)], usage, WEEK, slots(1))), ["a1"]);
  const even = new Map([["bob", use({ startedRecently: 1, gpuHours: 0.01 })], ["alice", use({ startedRecently: 1, gpuHours: 5 })]]);
  assert.deepEqual(released(decideNext([task("a1", "alice", 1), task("b1", "bob", 2)], even, WEEK, slots(1))), ["b1"], "then the fewer hours");
});

test("slots are shared out one at a time: releasing a task counts against its user in the same cycle", () => {
  const waiting = [task("b1", "bob", 1), task("b2", "bob", 2), task("b3", "bob", 3), task("a1", "alice", 4), task("a2", "alice", 5)];
  assert.deepEqual(released(decideNext(waiting, new Map(), WEEK, slots(4))), ["b1", "a1", "b2", "a2"]);
});

test("each user's tasks go in push order, whatever order they are listed in", () => {
  const waiting = [task("b3", "bob", 3), task("b1", "bob", 1), task("b2", "bob", 2)];
  assert.deepEqual(released(decideNext(waiting, new Map(), WEEK, slots(3))), ["b1", "b2", "b3"]);
});

test("the best task that does not fit the free GPUs keeps the head of the line", () => {
  const waiting = [task("a1", "alice", 1, { gpus: 2, reservedGpuHours: 2 * MINUTE }), task("b1", "bob", 2)];
  const usage = new Map([["bob", use({ runningJobs: 1, runningGpus: 1 })]]);
  assert.deepEqual(released(decideNext(waiting, usage, WEEK, slots(Infinity, 1))), [], "alice's 2-GPU task waits for both; bob does not overtake");
  assert.deepEqual(released(decideNext(waiting, usage, WEEK, slots(Infinity, 2))), ["a1"]);
  assert.deepEqual(released(decideNext([task("c1", "carol", 1, { gpus: 0, cpus: 4, reservedGpuHours: 0 })], new Map(), WEEK, slots(Infinity, 0, 3))), [], "CPUs count too");
});

test("a new user with a 0.005 GPU-hour budget: a task reserving more fails at once, naming both numbers", () => {
  const d = decideNext([task("n1", "newbie", 1), task("n2", "newbie", 2), task("n3", "newbie", 3)], new Map(), { ...WEEK, gpuHoursPerPeriod: 0.005 }, slots(Infinity));
  assert.deepEqual(released(d), []);
  assert.deepEqual(
    d.map((x) => x.action === "dispatch" ? x.taskId : `${x.taskId} ${x.action}: ${x.reason}`),
    ["n1", "n2", "n3"].map((id) => `${id} reject: over budget: the task reserves 0.017 GPU-hours (GPUs × time limit); newbie used 0.00 of 0.005 in the last 7 days`),
  );
});

test("released tasks' reservations count: with 0.04 GPU-hours, two one-minute tasks go and the third waits, saying why", () => {
  const limits = { ...WEEK, gpuHoursPerPeriod: 0.04 };
  const d = decideNext([task("n1", "newbie", 1), task("n2", "newbie", 2), task("n3", "newbie", 3)], new Map(), limits, slots(Infinity));
  assert.deepEqual(d, [
    { taskId: "n1", action: "dispatch" },
    { taskId: "n2", action: "dispatch" },
    { taskId: "n3", action: "hold", reason: "waiting for your running jobs: 0.033 of 0.04 GPU-hours used or reserved, this task reserves 0.017" },
  ]);
  // Once one has ended having used 0.002 (and the other is still released), the third fits: 0.002 + 0.017 + 0.017 ≤ 0.04.
  const after = new Map([["newbie", use({ runningJobs: 1, runningGpus: 1, gpuHours: 0.002, reservedGpuHours: MINUTE })]]);
  assert.deepEqual(released(decideNext([task("n3", "newbie", 3)], after, limits, slots(Infinity))), ["n3"]);
});

test("used + reserved + this task's reservation must fit: a running job's hours so far and the rest of its reservation both count", () => {
  const limits = { ...WEEK, gpuHoursPerPeriod: 0.03 };
  const running = new Map([["bob", use({ runningJobs: 1, runningGpus: 1, gpuHours: 0.01, reservedGpuHours: 0.0067 })]]);
  assert.equal(decideNext([task("b2", "bob", 2)], running, limits, slots(Infinity))[0]!.action, "hold", "0.01 + 0.0067 + 0.0167 > 0.03");
  const lighter = new Map([["bob", use({ runningJobs: 1, runningGpus: 1, gpuHours: 0.01, reservedGpuHours: 0.003 })]]);
  assert.equal(decideNext([task("b2", "bob", 2)], lighter, limits, slots(Infinity))[0]!.action, "dispatch", "0.01 + 0.003 + 0.0167 ≤ 0.03");
});

test("a CPU-only task is not held to the GPU budget", () => {
  const usage = new Map([["bob", use({ gpuHours: 9 })]]);
  assert.deepEqual(released(decideNext([task("b1", "bob", 1, { gpus: 0, reservedGpuHours: 0 })], usage, { ...WEEK, gpuHoursPerPeriod: 1 }, slots(1))), ["b1"]);
});

test("a user's own limits win over everyone's", () => {
  const limits: FairShareLimits = { ...WEEK, gpuHoursPerPeriod: 10, maxRunningJobsPerUser: 1, users: { alice: { gpuHoursPerPeriod: 40, maxRunningJobsPerUser: 2 } } };
  const usage = new Map([["alice", use({ gpuHours: 10.5 })], ["bob", use({ gpuHours: 10.5 })]]);
  const d = decideNext([task("a1", "alice", 1), task("a2", "alice", 2), task("a3", "alice", 3), task("b1", "bob", 4)], usage, limits, slots(Infinity));
  assert.deepEqual(d, [
    { taskId: "b1", action: "reject", reason: "over budget: bob used 10.50 of 10 GPU-hours in the last 7 days" },
    { taskId: "a1", action: "dispatch" },
    { taskId: "a2", action: "dispatch" },
    { taskId: "a3", action: "hold", reason: "waiting for your running jobs (limit 2 at once)" },
  ]);
});

test("a task asking for more than the cluster has in all goes once it is idle, for the scheduler to judge", () => {
  const big = task("a1", "alice", 1, { gpus: 3, reservedGpuHours: 3 * MINUTE });
  assert.deepEqual(released(decideNext([big], new Map(), WEEK, { jobs: Infinity, gpus: 1, cpus: 8, total: { gpus: 2, cpus: 8 } })), []);
  assert.deepEqual(released(decideNext([big], new Map(), WEEK, { jobs: Infinity, gpus: 2, cpus: 8, total: { gpus: 2, cpus: 8 } })), ["a1"]);
});
