import { parseSlurmState, type SlurmState } from "./slurm-state.js";

/**
 * One squeue call covers every job: `squeue -h -r -t all -o <format>` lists
 * each array element on its own line (-r), finished jobs too while Slurm
 * still remembers them (-t all). Fields are split on `|`, which none of the
 * printed fields can hold (job names are `ailab-<task id>`).
 */
export const SQUEUE_FORMAT = "%A|%F|%K|%j|%T|%r|%N|%S|%e|%Q|%P";

export function squeueArgs(): string[] {
  return ["-h", "-r", "-t", "all", "-o", SQUEUE_FORMAT];
}

export interface SqueueRow {
  /** This line's own job id (for a pending array element, the array's id). */
  jobId: string;
  /** The array's job id, or the job id for a plain job. */
  arrayJobId: string;
  /** The element's index, or null for a plain job. */
  arrayIndex: number | null;
  name: string;
  state: SlurmState;
  /** Why a pending job waits: Resources, Priority, QOSMaxJobsPerUserLimit, … */
  reason: string | null;
  node: string | null;
  startTime: string | null;
  endTime: string | null;
  priority: number;
  partition: string;
}

export function parseSqueue(output: string): SqueueRow[] {
  const rows: SqueueRow[] = [];
  for (const line of output.split("\n")) {
    if (!line.trim()) continue;
    const f = line.split("|");
    if (f.length < 11) continue;
    const [jobId, arrayJobId, index, name, state, reason, node, start, end, priority, partition] = f as [
      string, string, string, string, string, string, string, string, string, string, string,
    ];
    rows.push({
      jobId: jobId.trim(),
      arrayJobId: arrayJobId.trim(),
      arrayIndex: /^\d+$/.test(index.trim()) ? Number(index.trim()) : null,
      name: name.trim(),
      state: parseSlurmState(state),
      reason: orNull(reason),
      node: orNull(node),
      startTime: orNull(start),
      endTime: orNull(end),
      priority: Number(priority) || 0,
      partition: partition.trim(),
    });
  }
  return rows;
}

function orNull(text: string): string | null {
  const t = text.trim();
  return t === "" || t === "N/A" || t === "None" || t === "(null)" || t === "Unknown" ? null : t;
}

/**
 * A pending job's place in line among the pending jobs of its partition,
 * highest priority first, older (smaller id) first on a tie; 1 is next.
 */
export function placeInLine(rows: readonly SqueueRow[], arrayJobId: string): number | null {
  const mine = rows.find((r) => r.arrayJobId === arrayJobId && r.state === "PENDING");
  if (!mine) return null;
  const seen = new Set<string>();
  const pending = rows
    .filter((r) => r.state === "PENDING" && r.partition === mine.partition)
    .filter((r) => (seen.has(r.arrayJobId) ? false : (seen.add(r.arrayJobId), true)))
    .sort((a, b) => b.priority - a.priority || Number(a.arrayJobId) - Number(b.arrayJobId));
  return pending.findIndex((r) => r.arrayJobId === arrayJobId) + 1;
}

/** "1st", "2nd", "3rd", "11th", … */
export function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? "th" : ({ 1: "st", 2: "nd", 3: "rd" } as Record<number, string>)[n % 10] ?? "th";
  return `${n}${suffix}`;
}
