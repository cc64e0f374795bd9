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
  | { taskId: string; action: "reject"; reason: string };

const NO_USAGE: UserUsage = { runningJobs: 0, runningGpus: 0, gpuHours: 0, cpuHours: 0 };

/**
 * What to do now with the waiting tasks, in order. `slots` is how many more
 * jobs the scheduler side takes this cycle (Infinity for Slurm, which queues
 * itself). Tasks not named wait. Usage is updated as tasks are dispatched, so
 * one cycle never hands a user more than the limits allow.
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
  return decisions;
}

/** Each user's oldest waiting task: a user's tasks go in the order they came. */
function headsOfLine(queue: readonly WaitingTask[]): WaitingTask[] {
  const seen = new Set<string>();
  return queue.filter((t) => (seen.has(t.user) ? false : (seen.add(t.user), true)));
}

function fits(task: WaitingTask, u: UserUsage, limits: FairShareLimits): boolean {
  if (limits.maxRunningJobsPerUser !== undefined && u.runningJobs >= limits.maxRunningJobsPerUser) return false;
  if (limits.maxGpusPerUser !== undefined && u.runningGpus + task.gpus > limits.maxGpusPerUser) return false;
  return true;
}

/** Less used lately goes first: GPU-hours, then CPU-hours, then fewer jobs running. */
function compareUsers(a: UserUsage, b: UserUsage): number {
  return a.gpuHours - b.gpuHours || a.cpuHours - b.cpuHours || a.runningJobs - b.runningJobs;
}

function formatPeriod(hours: number): string {
  return hours % 24 === 0 ? `${hours / 24} day${hours === 24 ? "" : "s"}` : `${hours} hours`;
}
