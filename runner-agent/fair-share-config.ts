import { ConfigError } from "../core/errors.js";
import type { FairShareLimits } from "./fair-share.js";
import { readUserLimitsFile } from "./user-limits-file.js";

/** The fair-share flags of `ailab-runner run`, as commander hands them over. */
export interface FairShareFlags {
  maxJobsPerUser?: string;
  maxGpusPerUser?: string;
  gpuHoursPerUser?: string;
  budgetPeriodHours?: string;
  /** A TOML file of `[users.<name>]` limits (AILAB_USER_LIMITS). */
  userLimits?: string;
}

/** The environment variables `readFairShareLimits` reads, for `--help`. */
export const FAIR_SHARE_ENV_VARS: Record<string, string> = {
  AILAB_MAX_JOBS_PER_USER: "jobs one user may have building or running at once; more wait in the runner's queue (default: no limit)",
  AILAB_MAX_GPUS_PER_USER: "GPUs one user's jobs may hold at once (default: no limit)",
  AILAB_GPU_HOURS_PER_USER: "GPU-hours one user may use over the budget period; each released GPU task reserves GPUs × time limit, and one that cannot fit fails (default: no budget)",
  AILAB_BUDGET_PERIOD_HOURS: "the period the GPU-hour budget and 'used least lately' look back over (default: 168, a week)",
  AILAB_USER_LIMITS: "a TOML file of limits for single users, [users.<name>] with gpu_hours, max_jobs, max_gpus; they win over everyone's (default: none)",
};

export const DEFAULT_PERIOD_HOURS = 168;

const SETTINGS = {
  maxJobsPerUser: { variable: "AILAB_MAX_JOBS_PER_USER", flag: "--max-jobs-per-user" },
  maxGpusPerUser: { variable: "AILAB_MAX_GPUS_PER_USER", flag: "--max-gpus-per-user" },
  gpuHoursPerUser: { variable: "AILAB_GPU_HOURS_PER_USER", flag: "--gpu-hours-per-user" },
  budgetPeriodHours: { variable: "AILAB_BUDGET_PERIOD_HOURS", flag: "--budget-period-hours" },
  userLimits: { variable: "AILAB_USER_LIMITS", flag: "--user-limits" },
} as const;

/**
 * The per-user limits one cluster account is shared under, from flags and
 * environment variables (the flag wins), and limits for single users from
 * the user-limits file. Unset limits are absent: no limit.
 * A bad value is quoted under the name it was given by, with the form that
 * was expected. Example: `readFairShareLimits({ maxJobsPerUser: "1" }, {})`
 * → `{ maxRunningJobsPerUser: 1, periodHours: 168 }`.
 */
export function readFairShareLimits(flags: FairShareFlags, env: NodeJS.ProcessEnv): FairShareLimits {
  const read = <T>(key: keyof FairShareFlags, parse: (text: string, setting: string) => T) => {
    const fromFlag = flags[key];
    const text = fromFlag ?? (env[SETTINGS[key].variable] === "" ? undefined : env[SETTINGS[key].variable]);
    if (text === undefined) return undefined;
    return parse(text, fromFlag === undefined ? SETTINGS[key].variable : SETTINGS[key].flag);
  };
  const maxJobs = read("maxJobsPerUser", wholeNumber);
  const maxGpus = read("maxGpusPerUser", wholeNumber);
  const budget = read("gpuHoursPerUser", (text, setting) => hours(text, setting, 0));
  const period = read("budgetPeriodHours", (text, setting) => hours(text, setting, Number.MIN_VALUE));
  const users = read("userLimits", (text, setting) => readUserLimitsFile(text, setting));
  return {
    ...(maxJobs === undefined ? {} : { maxRunningJobsPerUser: maxJobs }),
    ...(maxGpus === undefined ? {} : { maxGpusPerUser: maxGpus }),
    ...(budget === undefined ? {} : { gpuHoursPerPeriod: budget }),
    periodHours: period ?? DEFAULT_PERIOD_HOURS,
    ...(users === undefined || Object.keys(users).length === 0 ? {} : { users }),
  };
}

function wholeNumber(text: string, setting: string): number {
  const value = /^\d+$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new ConfigError(`${setting} ${JSON.stringify(text)} is not valid: expected a whole number of at least 1`, { setting });
  }
  return value;
}

/** A number of hours, at least `min` (a period must be above 0; a budget of 0 allows no GPU use). */
function hours(text: string, setting: string, min: number): number {
  const value = /^\d+(\.\d+)?$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!Number.isFinite(value) || value < min) {
    const form = min > 0 ? "a number of hours above 0 such as 168 or 24" : "a number of hours such as 10 or 2.5";
    throw new ConfigError(`${setting} ${JSON.stringify(text)} is not valid: expected ${form}`, { setting });
  }
  return value;
}
