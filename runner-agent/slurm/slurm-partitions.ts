import { AilabError } from "../../core/errors.js";
import type { Task } from "../../core/task/task.js";
import type { ProcessRunner } from "../process-runner.js";

/**
 * The partitions this Slurm cluster has, from `sinfo -h -o %R` (one name a
 * line, the default one without sinfo's `*`). Asked once at start when the
 * admin did not list the partitions tasks may use.
 */
export async function listPartitions(run: ProcessRunner, env: Record<string, string>): Promise<string[]> {
  const out = await run(["sinfo", "-h", "-o", "%R"], { env });
  if (out.exitCode !== 0) {
    throw new AilabError("SlurmUnavailable", `sinfo failed: ${out.stderr.trim() || `exit code ${out.exitCode}`}; set --partitions (AILAB_PARTITIONS) or check Slurm`);
  }
  const names = out.stdout.split("\n").map((line) => line.trim()).filter((line) => line !== "");
  return [...new Set(names)];
}

/** The partitions tasks may name, and whether the admin chose them (then a task naming none gets the first). */
export interface AllowedPartitions {
  names: string[];
  chosenByAdmin: boolean;
}

/**
 * The partition a task's job goes to: the one it names, if allowed; none
 * named, the admin's first (or Slurm's default when the admin listed none).
 * A partition that is not allowed is the task's error, naming those that are.
 */
export function partitionFor(resources: Task["resources"], allowed: AllowedPartitions): string | undefined {
  const { partition } = resources;
  if (partition === undefined) return allowed.chosenByAdmin ? allowed.names[0] : undefined;
  if (allowed.names.includes(partition)) return partition;
  throw new AilabError("PartitionNotAllowed", `partition ${JSON.stringify(partition)} is not allowed here; allowed: ${allowed.names.join(", ") || "none"}`, {
    partition,
    allowed: allowed.names,
  });
}
