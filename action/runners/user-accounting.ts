import type { AccountingView, RunnerAccountingView } from "../../core/api/types.js";
import type { Db } from "../action-db.js";

interface AccountingRow {
  runner: string;
  tasks: number;
  succeeded: number;
  failed: number;
  gpu_hours: number;
  cpu_hours: number;
  gpu_hours_in_period: number;
  gpu_hours_budget: number | null;
  period_hours: number;
  running_jobs: number;
  max_running_jobs: number | null;
  max_gpus: number | null;
  reported_at: number;
}

/** What each runner last reported about `user`, by runner name. */
export function accountingOf(db: Db, user: string): RunnerAccountingView[] {
  const rows = db
    .prepare(
      `SELECT a.*, r.reported_at AS reported_at FROM accounting a JOIN runners r ON r.name = a.runner
       WHERE a.user = ? ORDER BY a.runner`,
    )
    .all(user) as AccountingRow[];
  return rows.map((row) => ({
    runner: row.runner,
    reportedAt: new Date(row.reported_at).toISOString(),
    tasks: row.tasks,
    succeeded: row.succeeded,
    failed: row.failed,
    gpuHours: row.gpu_hours,
    cpuHours: row.cpu_hours,
    gpuHoursInPeriod: row.gpu_hours_in_period,
    gpuHoursBudget: row.gpu_hours_budget,
    periodHours: row.period_hours,
    runningJobs: row.running_jobs,
    maxRunningJobs: row.max_running_jobs,
    maxGpus: row.max_gpus,
  }));
}

/**
 * One user's use over several runners (cluster accounts): counts and hours
 * add up, and so do budgets and limits, except that a runner with no limit
 * makes the sum unlimited (null). The period is the longest of them.
 * Undefined when no runner reported the user.
 */
export function sumAccounting(rows: readonly AccountingView[]): AccountingView | undefined {
  const [first, ...rest] = rows;
  if (!first) return undefined;
  const total: AccountingView = {
    tasks: first.tasks,
    succeeded: first.succeeded,
    failed: first.failed,
    gpuHours: first.gpuHours,
    cpuHours: first.cpuHours,
    gpuHoursInPeriod: first.gpuHoursInPeriod,
    gpuHoursBudget: first.gpuHoursBudget,
    periodHours: first.periodHours,
    runningJobs: first.runningJobs,
    maxRunningJobs: first.maxRunningJobs,
    maxGpus: first.maxGpus,
  };
  for (const row of rest) {
    total.tasks += row.tasks;
    total.succeeded += row.succeeded;
    total.failed += row.failed;
    total.gpuHours += row.gpuHours;
    total.cpuHours += row.cpuHours;
    total.gpuHoursInPeriod += row.gpuHoursInPeriod;
    total.gpuHoursBudget = addLimits(total.gpuHoursBudget, row.gpuHoursBudget);
    total.periodHours = Math.max(total.periodHours, row.periodHours);
    total.runningJobs += row.runningJobs;
    total.maxRunningJobs = addLimits(total.maxRunningJobs, row.maxRunningJobs);
    total.maxGpus = addLimits(total.maxGpus, row.maxGpus);
  }
  return total;
}

function addLimits(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : a + b;
}
