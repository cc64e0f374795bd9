import { existsSync } from "node:fs";
import { join } from "node:path";
import { AilabError } from "../core/errors.js";
import type { UserAccounting } from "../core/protocol/messages.js";
import { DEFAULT_PERIOD_HOURS } from "./fair-share-config.js";
import { formatPeriod, type FairShareLimits } from "./fair-share.js";
import { FAIR_SHARE_SETTING, openRunnerDb, readSetting } from "./runner-db.js";
import { userAccounting } from "./user-accounting.js";

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
 * The report as a table, one row per user, hours to two decimals:
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
    u.gpuHours.toFixed(2),
    u.cpuHours.toFixed(2),
    u.gpuHoursInPeriod.toFixed(2),
    u.gpuHoursBudget === null ? "-" : String(u.gpuHoursBudget),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  // The user's name to the left, numbers to the right.
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [line(header), ...rows.map(line)].join("\n") + "\n";
}

/** The limits in words: "per user: 1 job at once · 2 GPUs at once · 10 GPU-hours per 7 days". */
export function formatLimits(limits: FairShareLimits): string {
  const parts: string[] = [];
  const jobs = limits.maxRunningJobsPerUser;
  const gpus = limits.maxGpusPerUser;
  if (jobs !== undefined) parts.push(`${jobs} job${jobs === 1 ? "" : "s"} at once`);
  if (gpus !== undefined) parts.push(`${gpus} GPU${gpus === 1 ? "" : "s"} at once`);
  if (limits.gpuHoursPerPeriod !== undefined) parts.push(`${limits.gpuHoursPerPeriod} GPU-hours per ${formatPeriod(limits.periodHours)}`);
  return parts.length === 0 ? "no per-user limits" : `per user: ${parts.join(" · ")}`;
}
