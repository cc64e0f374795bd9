/**
 * Slurm job states, closed: anything squeue or sacct prints that is not
 * listed becomes UNKNOWN instead of breaking the watcher (submitit does the
 * same). `CANCELLED by 0` from sacct is folded into CANCELLED.
 */
export const SLURM_STATES = [
  "PENDING",
  "CONFIGURING",
  "RUNNING",
  "COMPLETING",
  "SUSPENDED",
  "REQUEUED",
  "RESIZING",
  "COMPLETED",
  "FAILED",
  "TIMEOUT",
  "CANCELLED",
  "NODE_FAIL",
  "PREEMPTED",
  "OUT_OF_MEMORY",
  "BOOT_FAIL",
  "DEADLINE",
  "UNKNOWN",
] as const;
export type SlurmState = (typeof SLURM_STATES)[number];

const KNOWN = new Set<string>(SLURM_STATES);

export function parseSlurmState(text: string): SlurmState {
  const word = text.trim().split(/\s+/)[0]?.replace(/\+$/, "").toUpperCase() ?? "";
  return KNOWN.has(word) ? (word as SlurmState) : "UNKNOWN";
}

/** States after which the job will not run again. */
export function isFinishedSlurmState(state: SlurmState): boolean {
  return ["COMPLETED", "FAILED", "TIMEOUT", "CANCELLED", "NODE_FAIL", "PREEMPTED", "OUT_OF_MEMORY", "BOOT_FAIL", "DEADLINE"].includes(state);
}
