import type { Db } from "../core/db/open-database.js";
import type { UserAccounting } from "../core/protocol/messages.js";

/** How far back "lately" reaches for the GPU hours in a heartbeat. */
export const ACCOUNTING_PERIOD_HOURS = 7 * 24;

interface Row {
  user: string;
  state: string;
  outcome: string | null;
  started_at: number | null;
  ended_at: number | null;
  submit_json: string;
}

/**
 * Each user's use of this runner, from its own task table: tasks, how they
 * ended, GPU and CPU hours (a running job's hours so far included), GPU hours
 * over the last ACCOUNTING_PERIOD_HOURS, running jobs. This runner sets no
 * budgets or per-user limits, so those are null.
 */
export function userAccounting(db: Db, now: number): UserAccounting[] {
  const rows = db.prepare("SELECT user, state, outcome, started_at, ended_at, submit_json FROM tasks").all() as Row[];
  const since = now - ACCOUNTING_PERIOD_HOURS * 3_600_000;
  const users = new Map<string, UserAccounting>();
  for (const row of rows) {
    const a = users.get(row.user) ?? blank(row.user);
    users.set(row.user, a);
    a.tasks++;
    if (row.state === "done" && row.outcome === "success") a.succeeded++;
    if (row.state === "done" && (row.outcome === "failure" || row.outcome === "error")) a.failed++;
    if (row.state === "running") a.runningJobs++;
    if (row.started_at === null) continue;
    const end = row.ended_at ?? now;
    const { resources } = (JSON.parse(row.submit_json) as { task: { resources: { gpus: number; cpus: number } } }).task;
    const hours = Math.max(0, end - row.started_at) / 3_600_000;
    a.gpuHours += resources.gpus * hours;
    a.cpuHours += resources.cpus * hours;
    a.gpuHoursInPeriod += (resources.gpus * Math.max(0, end - Math.max(row.started_at, since))) / 3_600_000;
  }
  return [...users.values()].sort((x, y) => (x.user < y.user ? -1 : 1));
}

function blank(user: string): UserAccounting {
  return {
    user,
    tasks: 0,
    succeeded: 0,
    failed: 0,
    gpuHours: 0,
    cpuHours: 0,
    gpuHoursInPeriod: 0,
    gpuHoursBudget: null,
    periodHours: ACCOUNTING_PERIOD_HOURS,
    runningJobs: 0,
    maxRunningJobs: null,
    maxGpus: null,
  };
}
