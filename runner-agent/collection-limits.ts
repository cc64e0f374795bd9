import { ConfigError } from "../core/errors.js";

/** How much the runner takes back from one task: its log, and its results (and declared logs) per archive. */
export interface CollectionLimits {
  /** Bytes of a job's log kept (shipped live and archived); past it the log ends with a `[ailab: log cut at …]` line. */
  logBytes: number;
  /** Total bytes of the files one archive (results, or declared logs) may hold; over it, nothing of that archive is uploaded. */
  resultBytes: number;
  /** Files one archive may hold. */
  resultFiles: number;
}

/** The collection-limit flags of `ailab-runner run`, as commander hands them over. */
export interface CollectionLimitFlags {
  maxLogSize?: string;
  maxResultsSize?: string;
  maxResultFiles?: string;
}

export const DEFAULT_COLLECTION_LIMITS: CollectionLimits = { logBytes: 64 * 2 ** 20, resultBytes: 2 * 2 ** 30, resultFiles: 10_000 };

/** The environment variables `readCollectionLimits` reads, for `--help`. */
export const COLLECTION_LIMIT_ENV_VARS: Record<string, string> = {
  AILAB_MAX_LOG_SIZE: "bytes of a job's log kept, such as 64M; the rest is cut with a marker line (default: 64M)",
  AILAB_MAX_RESULTS_SIZE: "bytes of results (and, apart, of declared logs) one task may send back, such as 2G; over it nothing of them is uploaded (default: 2G)",
  AILAB_MAX_RESULT_FILES: "files of results (and, apart, of declared logs) one task may send back (default: 10000)",
};

const SETTINGS = {
  maxLogSize: { variable: "AILAB_MAX_LOG_SIZE", flag: "--max-log-size", key: "logBytes", parse: byteSize },
  maxResultsSize: { variable: "AILAB_MAX_RESULTS_SIZE", flag: "--max-results-size", key: "resultBytes", parse: byteSize },
  maxResultFiles: { variable: "AILAB_MAX_RESULT_FILES", flag: "--max-result-files", key: "resultFiles", parse: fileCount },
} as const;

/**
 * The collection limits from flags and environment variables (the flag
 * wins), each defaulting to DEFAULT_COLLECTION_LIMITS. Sizes are bytes or a
 * number with K, M, G or T (powers of 1024, as Slurm reads `--mem`). Example:
 * `readCollectionLimits({ maxLogSize: "1M" }, {})` → `{ logBytes: 1048576, … }`.
 */
export function readCollectionLimits(flags: CollectionLimitFlags, env: NodeJS.ProcessEnv): CollectionLimits {
  const limits = { ...DEFAULT_COLLECTION_LIMITS };
  for (const [name, setting] of Object.entries(SETTINGS) as [keyof CollectionLimitFlags, (typeof SETTINGS)[keyof CollectionLimitFlags]][]) {
    const fromFlag = flags[name];
    const text = fromFlag ?? (env[setting.variable] === "" ? undefined : env[setting.variable]);
    if (text !== undefined) limits[setting.key] = setting.parse(text, fromFlag === undefined ? setting.variable : setting.flag);
  }
  return limits;
}

const UNITS: Record<string, number> = { "": 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 };

function byteSize(text: string, setting: string): number {
  const match = /^(\d+)\s*([KMGT]?)(?:i?B)?$/i.exec(text.trim());
  const value = match ? Number(match[1]) * UNITS[match[2]!.toUpperCase()]! : NaN;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new ConfigError(`${setting} ${JSON.stringify(text)} is not valid: expected a size in bytes, or with K, M, G or T, such as 64M`, { setting });
  }
  return value;
}

function fileCount(text: string, setting: string): number {
  const value = /^\d+$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new ConfigError(`${setting} ${JSON.stringify(text)} is not valid: expected a whole number of at least 1`, { setting });
  }
  return value;
}
