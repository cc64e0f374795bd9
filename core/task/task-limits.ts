/**
 * The limits that keep a task runnable and a push cheap to check. Each is far
 * above what a real task needs and far below what would hurt: a task file is
 * parsed on every push, its values end up in the job's environment and batch
 * script, and Linux refuses to start a program whose single argument or
 * environment string passes 128 KiB (MAX_ARG_STRLEN) — every program the job
 * starts would then fail with "Argument list too long".
 */
export const TASK_LIMITS = {
  /** The task file itself. */
  fileBytes: 1024 * 1024,
  /** One string value (a command, an env value, a description …). */
  valueBytes: 64 * 1024,
  /** All commands and env names and values together. */
  jobTextBytes: 256 * 1024,
  /** Items of one array (commands, results, extra_wheels, one sweep parameter …). */
  arrayItems: 1000,
  /** Variables in [environment] env. */
  envVariables: 1000,
  gpus: 64,
  cpus: 1024,
  /** 16 TiB, more than any node has. */
  memoryBytes: 16 * 1024 ** 4,
  memoryText: "16T",
  /** 365 days. */
  timeLimitSeconds: 365 * 24 * 3600,
  timeLimitText: "365-00:00:00",
} as const;

/** `1.5 KiB`, `64 KiB`, `1 MiB`, `3.1 GiB`: sizes as messages show them. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  const units = ["KiB", "MiB", "GiB", "TiB"] as const;
  let index = 0;
  while (index < units.length - 1 && bytes >= 1024 ** (index + 2)) index++;
  const value = bytes / 1024 ** (index + 1);
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${units[index]}`;
}
