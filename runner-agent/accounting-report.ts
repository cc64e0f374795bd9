import { existsSync } from "node:fs";
import { join } from "node:path";
import { AilabError } from "../core/errors.js";
import { formatGpuHours } from "../core/format-gpu-hours.js";
import type { UserAccounting } from "../core/protocol/messages.js";
import { DEFAULT_PERIOD_HOURS } from "./fair-share-config.js";
import { formatPeriod, type FairShareLimits } from "./fair-share.js";
import { FAIR_SHARE_SETTING, openRunnerDb, readSetting } from "./runner-db.js";
import { userAccounting } from "./user-accounting.js";
import type { PerUserLimits } from "./user-limits.js";

/** What `ailab-runner accounting` prints: the limits the runner applies, and each user's use. */
export interface AccountingReport {
  limits: FairShareLimits;
  users: UserAccounting[];
}

/**
 * Reads the accounting from the runner database in `dataDir`, with the
 * limits the runner last started with. Safe while the runner runs (SQLite
 * in WAL mode: readers do not block the writer).
 */
export function readAccountingReport(dataDir: string, now: number): AccountingReport {
  const path = join(dataDir, "runner.db");
  if (!existsSync(path)) {
    throw new AilabError("NoRunnerDatabase", `no runner database at ${path}: expected the --data-dir (AILAB_RUNNER_DIR) of a runner that has run`, { path });
  }
  const db = openRunnerDb(path);
  try {
    const limits = (readSetting(db, FAIR_SHARE_SETTING) as FairShareLimits | undefined) ?? { periodHours: DEFAULT_PERIOD_HOURS };
    return { limits, users: userAccounting(db, now, limits) };
  } finally {
    db.close();
  }
}

/**
 * The report as a table, one row per user, hours to two decimals (two
 * significant digits below one hour, so a small budget reads: 0.0049 of 0.005):
 *
 *     USER   TASKS  SUCCEEDED  FAILED  RUNNING  GPU-HOURS  CPU-HOURS  GPU-HOURS LAST 7 DAYS  BUDGET
 *     alice      3          2       1        0       1.25       2.50                   0.50      10
 */
export function formatAccountingTable(report: AccountingReport): string {
  const recent = `GPU-HOURS LAST ${formatPeriod(report.limits.periodHours).toUpperCase()}`;
  const header = ["USER", "TASKS", "SUCCEEDED", "FAILED", "RUNNING", "GPU-HOURS", "CPU-HOURS", recent, "BUDGET"];
  const rows = report.users.map((u) => [
    u.user,
    String(u.tasks),
    String(u.succeeded),
    String(u.failed),
    String(u.runningJobs),
    formatGpuHours(u.gpuHours),
    formatGpuHours(u.cpuHours),
    formatGpuHours(u.gpuHoursInPeriod),
    u.gpuHoursBudget === null ? "-" : String(u.gpuHoursBudget),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  // The user's name to the left, numbers to the right.
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [line(header), ...rows.map(line)].join("\n") + "\n";
}

/**
 * The limits in words, everyone's then each user's own:
 * "per user: 1 job at once · 2 GPUs at once · 10 GPU-hours per 7 days",
 * then "alice: 40 GPU-hours per 7 days" on a line of its own.
 */
export function formatLimits(limits: FairShareLimits): string {
  const everyone = describeLimits(limits, limits.periodHours);
  const lines = [everyone.length === 0 ? "no per-user limits" : `per user: ${everyone.join(" · ")}`];
  for (const [user, own] of Object.entries(limits.users ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) {
    lines.push(`${user}: ${describeLimits(own, limits.periodHours).join(" · ") || "no limits of their own"}`);
  }
  return lines.join("\n");
}

function describeLimits(limits: PerUserLimits, periodHours: number): string[] {
  const parts: string[] = [];
  const jobs = limits.maxRunningJobsPerUser;
  const gpus = limits.maxGpusPerUser;
  if (jobs !== undefined) parts.push(`${jobs} job${jobs === 1 ? "" : "s"} at once`);
  if (gpus !== undefined) parts.push(`${gpus} GPU${gpus === 1 ? "" : "s"} at once`);
  if (limits.gpuHoursPerPeriod !== undefined) parts.push(`${limits.gpuHoursPerPeriod} GPU-hours per ${formatPeriod(periodHours)}`);
  return parts;
}
