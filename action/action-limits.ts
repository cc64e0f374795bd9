import { ConfigError } from "../core/errors.js";

/**
 * Caps at the door, per user, so that one student's script (500 branches
 * pushed at once, 500 parallel pushes) cannot crowd out the others. Checked
 * where the work arrives, before anything is written or sent.
 */
export interface ActionLimits {
  /** Tasks of one user submitted or queued, not yet running; the push past it becomes an error status. */
  maxWaitingTasks: number;
  /** Repositories one user may create on the built-in git host. */
  maxReposPerUser: number;
  /** git requests (each a git process) one user may have running at once on the built-in host; more get 503. */
  maxGitPerUser: number;
  /** The largest push (the receive-pack body) the built-in host takes, in bytes. */
  maxPushBytes: number;
}

export interface LimitOptions {
  maxWaitingTasks?: string | number;
  maxReposPerUser?: string | number;
  maxGitPerUser?: string | number;
  maxPushMb?: string | number;
}

export const DEFAULT_LIMITS: ActionLimits = {
  maxWaitingTasks: 20,
  maxReposPerUser: 50,
  maxGitPerUser: 4,
  maxPushBytes: 200 * 1024 * 1024,
};

/**
 * The limits from the flags, else AILAB_MAX_WAITING_TASKS,
 * AILAB_MAX_REPOS_PER_USER, AILAB_MAX_GIT_PER_USER, AILAB_MAX_PUSH_MB, else
 * the defaults. A bad value throws ConfigError quoting it.
 */
export function readActionLimits(options: LimitOptions, env: NodeJS.ProcessEnv = process.env): ActionLimits {
  const mb = count("max-push-mb", options.maxPushMb ?? env.AILAB_MAX_PUSH_MB, DEFAULT_LIMITS.maxPushBytes / (1024 * 1024));
  return {
    maxWaitingTasks: count("max-waiting-tasks", options.maxWaitingTasks ?? env.AILAB_MAX_WAITING_TASKS, DEFAULT_LIMITS.maxWaitingTasks),
    maxReposPerUser: count("max-repos-per-user", options.maxReposPerUser ?? env.AILAB_MAX_REPOS_PER_USER, DEFAULT_LIMITS.maxReposPerUser),
    maxGitPerUser: count("max-git-per-user", options.maxGitPerUser ?? env.AILAB_MAX_GIT_PER_USER, DEFAULT_LIMITS.maxGitPerUser),
    maxPushBytes: mb * 1024 * 1024,
  };
}

function count(setting: string, value: string | number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = typeof value === "number" ? value : /^\d{1,9}$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 1) throw new ConfigError(`${setting} ${JSON.stringify(value)} is not a whole number >= 1, e.g. ${fallback}`, { setting });
  return n;
}
