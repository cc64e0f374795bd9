import type { FairShareLimits } from "./fair-share.js";

/** One user's limits, as the admin may set them apart from everyone's (`[users.alice]` in the user-limits file). */
export interface PerUserLimits {
  maxRunningJobsPerUser?: number;
  maxGpusPerUser?: number;
  gpuHoursPerPeriod?: number;
}

/**
 * The limits that hold for `user`: their own where the admin set one,
 * everyone's otherwise. Every check of a limit and every display of a
 * budget asks here, so a user's budget is decided in one place.
 *
 * @example limitsFor({ gpuHoursPerPeriod: 10, periodHours: 168, users: { alice: { gpuHoursPerPeriod: 40 } } }, "alice") // { gpuHoursPerPeriod: 40 }
 */
export function limitsFor(limits: FairShareLimits, user: string): PerUserLimits {
  const own = limits.users !== undefined && Object.hasOwn(limits.users, user) ? limits.users[user]! : {};
  const pick = <K extends keyof PerUserLimits>(key: K) => (own[key] !== undefined ? own[key] : limits[key]);
  const jobs = pick("maxRunningJobsPerUser");
  const gpus = pick("maxGpusPerUser");
  const hours = pick("gpuHoursPerPeriod");
  return {
    ...(jobs === undefined ? {} : { maxRunningJobsPerUser: jobs }),
    ...(gpus === undefined ? {} : { maxGpusPerUser: gpus }),
    ...(hours === undefined ? {} : { gpuHoursPerPeriod: hours }),
  };
}
