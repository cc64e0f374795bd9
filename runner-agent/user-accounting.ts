import type { Db } from "../core/db/open-database.js";
import type { UserAccounting } from "../core/protocol/messages.js";
import { reservedGpuHours } from "../core/task/task-reservation.js";
import { NO_USAGE, type FairShareLimits, type UserUsage } from "./fair-share.js";
import { limitsFor } from "./user-limits.js";

const HOUR_MS = 3_600_000;

/**
 * How far back "started lately" looks when fair share orders users: long
 * enough that a flood of short jobs counts against its sender, short enough
 * that yesterday's work is left to the hours used.
 */
export const RECENT_STARTS_MS = HOUR_MS;

interface Row {
  user: string;
  state: string;
  outcome: string | null;
  started_at: number | null;
  ended_at: number | null;
  gpus: number;
  cpus: number;
  time_limit: string | null;
  sweep_json: string | null;
  /** Written when the task is done (migration 3); null before. */
  gpu_hours: number | null;
  cpu_hours: number | null;
}

/**
 * Each user's use of this runner, from its own task table: tasks, how they
 * ended (cancelled counts as neither), GPU- and CPU-hours (a job's hours so
 * far while it runs; the hours recorded when it ended afterwards), the
 * GPU-hours inside the budget's period, the jobs building or running, and
 * the runner's limits. Users in name order.
 */
export function userAccounting(db: Db, now: number, limits: FairShareLimits): UserAccounting[] {
  const since = now - limits.periodHours * HOUR_MS;
  const users = new Map<string, UserAccounting>();
  for (const row of taskRows(db)) {
    const a = users.get(row.user) ?? blank(row.user, limits);
    users.set(row.user, a);
    a.tasks++;
    if (row.state === "done" && row.outcome === "success") a.succeeded++;
    if (row.state === "done" && (row.outcome === "failure" || row.outcome === "error")) a.failed++;
    if (isActive(row)) a.runningJobs++;
    const used = hoursOf(row, now, since);
    a.gpuHours += used.gpuHours;
    a.cpuHours += used.cpuHours;
    a.gpuHoursInPeriod += used.gpuHoursInPeriod;
  }
  return [...users.values()].sort((x, y) => (x.user < y.user ? -1 : 1));
}

/**
 * What fair share weighs, per user: jobs and GPUs released now (building or
 * running), jobs started in the last RECENT_STARTS_MS, GPU- and CPU-hours
 * over the last `periodHours` (running jobs' hours so far included), and
 * what released jobs still hold of their reservation (GPUs × time limit
 * less the hours they used so far), so that used + reserved is the most the
 * user can have spent once they end.
 */
export function userUsage(db: Db, now: number, periodHours: number): Map<string, UserUsage> {
  const since = now - periodHours * HOUR_MS;
  const usage = new Map<string, UserUsage>();
  for (const row of taskRows(db)) {
    const u = usage.get(row.user) ?? { ...NO_USAGE };
    usage.set(row.user, u);
    const used = hoursOf(row, now, since);
    if (isActive(row)) {
      u.runningJobs++;
      u.runningGpus += row.gpus;
      u.reservedGpuHours += Math.max(0, reservationOf(row) - used.gpuHours);
    }
    if (row.started_at !== null && row.started_at >= now - RECENT_STARTS_MS) u.startedRecently++;
    u.gpuHours += used.gpuHoursInPeriod;
    u.cpuHours += used.cpuHoursInPeriod;
  }
  return usage;
}

function reservationOf(row: Row): number {
  const sweep = row.sweep_json === null ? undefined : (JSON.parse(row.sweep_json) as Record<string, (string | number)[]>);
  return reservedGpuHours({ resources: { gpus: row.gpus, timeLimit: row.time_limit ?? "" }, ...(sweep ? { sweep } : {}) });
}

function taskRows(db: Db): Row[] {
  return db
    .prepare(
      `SELECT user, state, outcome, started_at, ended_at, gpu_hours, cpu_hours,
              coalesce(json_extract(submit_json, '$.task.resources.gpus'), 0) AS gpus,
              coalesce(json_extract(submit_json, '$.task.resources.cpus'), 0) AS cpus,
              json_extract(submit_json, '$.task.resources.timeLimit') AS time_limit,
              json(json_extract(submit_json, '$.task.sweep')) AS sweep_json
       FROM tasks`,
    )
    .all() as Row[];
}

/** A job that holds its place with the scheduler: being built or running. */
function isActive(row: Row): boolean {
  return row.state === "building" || row.state === "running";
}

/** A task's hours in all and since `since`; the share inside the period is the share of its run time inside it. */
function hoursOf(row: Row, now: number, since: number) {
  if (row.started_at === null) return { gpuHours: 0, cpuHours: 0, gpuHoursInPeriod: 0, cpuHoursInPeriod: 0 };
  const end = row.ended_at ?? now;
  const ranMs = Math.max(0, end - row.started_at);
  const gpuHours = row.gpu_hours ?? (row.gpus * ranMs) / HOUR_MS;
  const cpuHours = row.cpu_hours ?? (row.cpus * ranMs) / HOUR_MS;
  const inPeriod = ranMs === 0 ? 0 : Math.max(0, end - Math.max(row.started_at, since)) / ranMs;
  return { gpuHours, cpuHours, gpuHoursInPeriod: gpuHours * inPeriod, cpuHoursInPeriod: cpuHours * inPeriod };
}

function blank(user: string, limits: FairShareLimits): UserAccounting {
  const own = limitsFor(limits, user);
  return {
    user,
    tasks: 0,
    succeeded: 0,
    failed: 0,
    gpuHours: 0,
    cpuHours: 0,
    gpuHoursInPeriod: 0,
    gpuHoursBudget: own.gpuHoursPerPeriod ?? null,
    periodHours: limits.periodHours,
    runningJobs: 0,
    maxRunningJobs: own.maxRunningJobsPerUser ?? null,
    maxGpus: own.maxGpusPerUser ?? null,
  };
}
