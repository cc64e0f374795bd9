import { memoryBytes, SLURM_NAME_PATTERN, timeLimitSeconds } from "./slurm-forms.js";
import { TASK_LIMITS } from "./task-limits.js";
import type { Task } from "./task.js";
import type { TableReader } from "./toml-table-reader.js";

export const DEFAULT_RESOURCES: Task["resources"] = { gpus: 0, cpus: 1, memory: "4G", timeLimit: "1:00:00" };

const MEMORY_EXPECTED = `a Slurm memory size such as "32G" (a positive whole number, then optionally K, M, G or T; at most ${TASK_LIMITS.memoryText})`;
const TIME_EXPECTED =
  `a Slurm time limit such as "4:00:00" (one of M, M:S, H:M:S, D-H, D-H:M, D-H:M:S; not zero, at most ${TASK_LIMITS.timeLimitText})`;
const NAME_EXPECTED = "a name of letters, digits, _ . - (starting with a letter or digit, at most 64)";

/** Reads [resources]; every value ends up on an `#SBATCH` line, so each is checked against a strict form. */
export function readResources(reader: TableReader | undefined): Task["resources"] {
  const out: Task["resources"] = { ...DEFAULT_RESOURCES };
  if (!reader) return out;
  out.gpus = reader.integer("gpus", 0, TASK_LIMITS.gpus) ?? out.gpus;
  out.cpus = reader.integer("cpus", 1, TASK_LIMITS.cpus) ?? out.cpus;
  out.memory = slurmText(reader, "memory", MEMORY_EXPECTED, (v) => (memoryBytes(v) ?? Infinity) <= TASK_LIMITS.memoryBytes) ?? out.memory;
  out.timeLimit =
    slurmText(reader, "time_limit", TIME_EXPECTED, (v) => (timeLimitSeconds(v) ?? Infinity) <= TASK_LIMITS.timeLimitSeconds) ?? out.timeLimit;
  const gpuType = reader.string("gpu_type", NAME_EXPECTED, SLURM_NAME_PATTERN);
  if (gpuType !== undefined) out.gpuType = gpuType;
  const partition = reader.string("partition", NAME_EXPECTED, SLURM_NAME_PATTERN);
  if (partition !== undefined) out.partition = partition;
  reader.finish();
  return out;
}

/**
 * A Slurm value written as a string, or as a bare TOML integer (`time_limit =
 * 90` is 90 minutes; the parser reads integers as bigint, floats are refused).
 */
function slurmText(reader: TableReader, name: string, expected: string, ok: (v: string) => boolean): string | undefined {
  const value = reader.raw(name);
  if (value === undefined) return undefined;
  const text = typeof value === "bigint" && value >= 0n ? String(value) : value;
  if (typeof text === "string" && ok(text)) return text;
  reader.wrong(reader.key(name), expected, value);
  return undefined;
}
