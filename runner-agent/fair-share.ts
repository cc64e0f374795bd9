import { formatGpuHours } from "../core/format-gpu-hours.js";
import { limitsFor, type PerUserLimits } from "./user-limits.js";

/**
 * Fair share on one cluster account: the runner keeps its own queue in front
 * of the scheduler and decides which waiting task is released next. Per-user
 * limits (jobs and GPUs at once, GPU-hours over a period, everyone's or a
 * user's own) hold a user's tasks back; among the tasks that may go, the user
 * with the fewest jobs released now goes first, then the one who started
 * fewest lately, then the one who used fewest hours; each user's own tasks
 * keep their push order.
 */
export interface FairShareLimits {
  /** Jobs one user may have released (building, or with the scheduler) at once; undefined = no limit. */
  maxRunningJobsPerUser?: number;
  /** GPUs one user may hold at once. */
  maxGpusPerUser?: number;
  /** GPU-hours one user may use over `periodHours`, reservations of released tasks included. */
  gpuHoursPerPeriod?: number;
  /** The window "lately" means, for budgets and for ordering. */
  periodHours: number;
  /** Limits set for one user, in place of everyone's (see limitsFor). */
  users?: Record<string, PerUserLimits>;
}

export interface WaitingTask {
  taskId: string;
  user: string;
  gpus: number;
  cpus: number;
  /** GPUs × time limit (see reservedGpuHours): what a release reserves of the budget. */
  reservedGpuHours: number;
  queuedAt: number;
}

export interface UserUsage {
  /** Released jobs not yet ended: building, pending in Slurm or running. */
  runningJobs: number;
  runningGpus: number;
  /** Jobs that started in the recent window (see RECENT_STARTS_MS). */
  startedRecently: number;
  /** GPU-hours over the period, running jobs' hours so far included. */
  gpuHours: number;
  cpuHours: number;
  /** GPU-hours released jobs may still use: each one's reservation less what it used so far. */
  reservedGpuHours: number;
}

/**
 * What the scheduler side takes this cycle: more jobs, GPUs and CPUs
 * (Infinity where it does not count), and the GPUs and CPUs it has in all.
 * A task asking for more than that goes once the cluster is idle, and the
 * scheduler has the last word (Slurm refuses it in its own words).
 */
export interface Capacity {
  jobs: number;
  gpus: number;
  cpus: number;
  total?: { gpus: number; cpus: number };
}

export type Decision =
  | { taskId: string; action: "dispatch" }
  | { taskId: string; action: "reject"; reason: string }
  | { taskId: string; action: "hold"; reason: string };

export const NO_USAGE: UserUsage = { runningJobs: 0, runningGpus: 0, startedRecently: 0, gpuHours: 0, cpuHours: 0, reservedGpuHours: 0 };

/**
 * What to do now with the waiting tasks: rejections (a budget the task can
 * never fit, more GPUs than the user may ever hold), then the tasks to release
 * to the scheduler in the order they should go, then the tasks held back by
 * their user's limits (with the reason to show). A task whose reservation
 * fits the budget only once the user's released jobs have ended waits (it is
 * "held"): they may use less than they reserved. `capacity` is what the
 * scheduler takes this cycle; the best task that does not fit it keeps the
 * head of the line (nobody overtakes it, so a big job is not starved).
 * Usage is updated as tasks are released, so one cycle never hands a user
 * more than the limits allow.
 */
export function decideNext(waiting: readonly WaitingTask[], usage: ReadonlyMap<string, UserUsage>, limits: FairShareLimits, capacity: Capacity): Decision[] {
  const decisions: Decision[] = [];
  const live = new Map<string, UserUsage>();
  const usageOf = (user: string) => live.get(user) ?? { ...(usage.get(user) ?? NO_USAGE) };

  const queue: WaitingTask[] = [];
  for (const task of [...waiting].sort((a, b) => a.queuedAt - b.queuedAt)) {
    const reason = neverFits(task, usageOf(task.user), limits);
    if (reason === undefined) queue.push(task);
    else decisions.push({ taskId: task.taskId, action: "reject", reason });
  }

  const free = { ...capacity };
  while (free.jobs > 0) {
    const eligible = headsOfLine(queue).filter((t) => limitReached(t, usageOf(t.user), limits) === undefined);
    if (eligible.length === 0) break;
    eligible.sort((a, b) => compareUsers(usageOf(a.user), usageOf(b.user)) || a.queuedAt - b.queuedAt);
    const next = eligible[0]!;
    if (Math.min(next.gpus, capacity.total?.gpus ?? Infinity) > free.gpus || Math.min(next.cpus, capacity.total?.cpus ?? Infinity) > free.cpus) break;
    decisions.push({ taskId: next.taskId, action: "dispatch" });
    queue.splice(queue.indexOf(next), 1);
    const u = usageOf(next.user);
    live.set(next.user, {
      ...u,
      runningJobs: u.runningJobs + 1,
      runningGpus: u.runningGpus + next.gpus,
      startedRecently: u.startedRecently + 1,
      reservedGpuHours: u.reservedGpuHours + next.reservedGpuHours,
    });
    free.jobs--;
    free.gpus -= next.gpus;
    free.cpus -= next.cpus;
  }

  // A user whose next task does not fit their limits: all their tasks wait, and say why.
  const held = new Map<string, string>();
  for (const head of headsOfLine(queue)) {
    const reason = limitReached(head, usageOf(head.user), limits);
    if (reason !== undefined) held.set(head.user, reason);
  }
  for (const task of queue) {
    const reason = held.get(task.user);
    if (reason !== undefined) decisions.push({ taskId: task.taskId, action: "hold", reason });
  }
  return decisions;
}

/**
 * Why the task could never be released, or undefined: what the user has used
 * already (running jobs' hours so far included, which only grow) leaves no
 * room for its reservation, or it asks for more GPUs than the user may hold.
 * Such a task fails at once rather than wait for a period to pass.
 */
function neverFits(task: WaitingTask, u: UserUsage, limits: FairShareLimits): string | undefined {
  const own = limitsFor(limits, task.user);
  const budget = own.gpuHoursPerPeriod;
  const period = formatPeriod(limits.periodHours);
  if (task.gpus > 0 && budget !== undefined) {
    if (u.gpuHours >= budget) return `over budget: ${task.user} used ${formatGpuHours(u.gpuHours)} of ${budget} GPU-hours in the last ${period}`;
    if (u.gpuHours + task.reservedGpuHours > budget) {
      return `over budget: the task reserves ${formatGpuHours(task.reservedGpuHours)} GPU-hours (GPUs × time limit); ${task.user} used ${formatGpuHours(u.gpuHours)} of ${budget} in the last ${period}`;
    }
  }
  const gpus = own.maxGpusPerUser;
  if (gpus !== undefined && task.gpus > gpus) return `the task asks for ${task.gpus} GPUs; ${task.user} may hold at most ${gpus} at once`;
  return undefined;
}

/** Each user's oldest waiting task: a user's tasks go in the order they came. */
function headsOfLine(queue: readonly WaitingTask[]): WaitingTask[] {
  const seen = new Set<string>();
  return queue.filter((t) => (seen.has(t.user) ? false : (seen.add(t.user), true)));
}

/** Which of the user's limits keeps `task` back, as its status says it: "waiting for your running jobs (limit 1 at once)". */
function limitReached(task: WaitingTask, u: UserUsage, limits: FairShareLimits): string | undefined {
  const own = limitsFor(limits, task.user);
  const jobs = own.maxRunningJobsPerUser;
  if (jobs !== undefined && u.runningJobs >= jobs) return `waiting for your running jobs (limit ${jobs} at once)`;
  const gpus = own.maxGpusPerUser;
  if (gpus !== undefined && u.runningGpus + task.gpus > gpus) return `waiting for your running jobs (limit ${gpus} GPU${gpus === 1 ? "" : "s"} at once)`;
  const budget = own.gpuHoursPerPeriod;
  if (task.gpus > 0 && budget !== undefined && u.gpuHours + u.reservedGpuHours + task.reservedGpuHours > budget) {
    const committed = u.gpuHours + u.reservedGpuHours;
    return `waiting for your running jobs: ${formatGpuHours(committed)} of ${budget} GPU-hours used or reserved, this task reserves ${formatGpuHours(task.reservedGpuHours)}`;
  }
  return undefined;
}

/** Who goes first: fewer jobs released now, then fewer started lately, then fewer GPU-hours, then CPU-hours, used lately. */
export function compareUsers(a: UserUsage, b: UserUsage): number {
  return a.runningJobs - b.runningJobs || a.startedRecently - b.startedRecently || a.gpuHours - b.gpuHours || a.cpuHours - b.cpuHours;
}

/** 168 → "7 days", 24 → "1 day", 36 → "36 hours". */
export function formatPeriod(hours: number): string {
  return hours % 24 === 0 ? `${hours / 24} day${hours === 24 ? "" : "s"}` : `${hours} hours`;
}
