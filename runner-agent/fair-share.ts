/**
 * Fair share on one cluster account: the runner keeps its own queue in front
 * of the scheduler and decides which waiting task goes next. Per-user limits
 * (jobs and GPUs at once, GPU-hours over a period) hold a user's tasks back;
 * among the tasks that may go, the user who has used least lately goes
 * first, and each user's own tasks keep their order.
 */
export interface FairShareLimits {
  /** Jobs one user may have with the scheduler at once; undefined = no limit. */
  maxRunningJobsPerUser?: number;
  /** GPUs one user may hold at once. */
  maxGpusPerUser?: number;
  /** GPU-hours one user may use over `periodHours`; a task past it fails. */
  gpuHoursPerPeriod?: number;
  /** The window "lately" means, for budgets and for ordering. */
  periodHours: number;
}

export interface WaitingTask {
  taskId: string;
  user: string;
  gpus: number;
  queuedAt: number;
}

export interface UserUsage {
  runningJobs: number;
  runningGpus: number;
  /** GPU-hours over the period, running jobs' hours so far included. */
  gpuHours: number;
  cpuHours: number;
}

export type Decision =
  | { taskId: string; action: "dispatch" }
  | { taskId: string; action: "reject"; reason: string }
  | { taskId: string; action: "hold"; reason: string };

const NO_USAGE: UserUsage = { runningJobs: 0, runningGpus: 0, gpuHours: 0, cpuHours: 0 };

/**
 * What to do now with the waiting tasks: rejections (over budget, or more
 * GPUs than a user may ever hold), then the tasks to hand to the scheduler in
 * the order they should go, then the tasks held back by their user's limits
 * (with the reason to show). `slots` is how many more jobs the scheduler side
 * takes this cycle (Infinity for Slurm, which queues itself). Tasks not named
 * wait for a slot. Usage is updated as tasks are dispatched, so one cycle
 * never hands a user more than the limits allow.
 */
export function decideNext(
  waiting: readonly WaitingTask[],
  usage: ReadonlyMap<string, UserUsage>,
  limits: FairShareLimits,
  slots: number,
): Decision[] {
  const decisions: Decision[] = [];
  const live = new Map<string, UserUsage>();
  const usageOf = (user: string) => live.get(user) ?? { ...(usage.get(user) ?? NO_USAGE) };

  // Over budget: fail at once rather than wait forever.
  const queue: WaitingTask[] = [];
  for (const task of [...waiting].sort((a, b) => a.queuedAt - b.queuedAt)) {
    const used = usageOf(task.user).gpuHours;
    if (task.gpus > 0 && limits.gpuHoursPerPeriod !== undefined && used >= limits.gpuHoursPerPeriod) {
      decisions.push({
        taskId: task.taskId,
        action: "reject",
        reason: `over budget: ${task.user} used ${used.toFixed(2)} of ${limits.gpuHoursPerPeriod} GPU-hours in the last ${formatPeriod(limits.periodHours)}`,
      });
    } else if (limits.maxGpusPerUser !== undefined && task.gpus > limits.maxGpusPerUser) {
      decisions.push({ taskId: task.taskId, action: "reject", reason: `the task asks for ${task.gpus} GPUs; each user may hold at most ${limits.maxGpusPerUser} at once` });
    } else {
      queue.push(task);
    }
  }

  let left = slots;
  while (left > 0) {
    const heads = headsOfLine(queue);
    const eligible = heads.filter((t) => fits(t, usageOf(t.user), limits));
    if (eligible.length === 0) break;
    eligible.sort((a, b) => compareUsers(usageOf(a.user), usageOf(b.user)) || a.queuedAt - b.queuedAt);
    const next = eligible[0]!;
    decisions.push({ taskId: next.taskId, action: "dispatch" });
    queue.splice(queue.indexOf(next), 1);
    const u = usageOf(next.user);
    live.set(next.user, { ...u, runningJobs: u.runningJobs + 1, runningGpus: u.runningGpus + next.gpus });
    left--;
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

/** Each user's oldest waiting task: a user's tasks go in the order they came. */
function headsOfLine(queue: readonly WaitingTask[]): WaitingTask[] {
  const seen = new Set<string>();
  return queue.filter((t) => (seen.has(t.user) ? false : (seen.add(t.user), true)));
}

function fits(task: WaitingTask, u: UserUsage, limits: FairShareLimits): boolean {
  return limitReached(task, u, limits) === undefined;
}

/** Which of the user's limits keeps `task` back, as its status says it: "waiting for your running jobs (limit 1 at once)". */
function limitReached(task: WaitingTask, u: UserUsage, limits: FairShareLimits): string | undefined {
  const jobs = limits.maxRunningJobsPerUser;
  if (jobs !== undefined && u.runningJobs >= jobs) return `waiting for your running jobs (limit ${jobs} at once)`;
  const gpus = limits.maxGpusPerUser;
  if (gpus !== undefined && u.runningGpus + task.gpus > gpus) return `waiting for your running jobs (limit ${gpus} GPU${gpus === 1 ? "" : "s"} at once)`;
  return undefined;
}

/** Less used lately goes first: GPU-hours, then CPU-hours, then fewer jobs running. */
function compareUsers(a: UserUsage, b: UserUsage): number {
  return a.gpuHours - b.gpuHours || a.cpuHours - b.cpuHours || a.runningJobs - b.runningJobs;
}

/** 168 → "7 days", 24 → "1 day", 36 → "36 hours". */
export function formatPeriod(hours: number): string {
  return hours % 24 === 0 ? `${hours / 24} day${hours === 24 ? "" : "s"}` : `${hours} hours`;
}
