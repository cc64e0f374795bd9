import type { Logger } from "../../core/logger.js";
import { parseGpuGres } from "../gpu/slurm-gres.js";
import type { ProcessRunner } from "../process-runner.js";

/** What the cluster can run at once: GPUs and CPUs in all, over the nodes of the allowed partitions. */
export interface ClusterCapacity {
  gpus: number;
  cpus: number;
}

/** No known bound: jobs are released as the other limits allow. */
export const UNBOUNDED: ClusterCapacity = { gpus: Number.POSITIVE_INFINITY, cpus: Number.POSITIVE_INFINITY };

const SINFO_CAPACITY_ARGS = ["-h", "-N", "-O", "NodeHost:|,Partition:|,CPUs:|,Gres:|"];

/**
 * The GPUs and CPUs of the nodes in `partitions`, from one `sinfo` call (a
 * node in two partitions counts once). The runner releases no more than this
 * to Slurm at once, so its own queue, not Slurm's first-come order, decides
 * who goes next. Asked at start and with each heartbeat, so nodes added or
 * drained count. A failed sinfo is a warning and gives undefined: the caller
 * keeps what it knew (at start, nothing: the release is then unbounded, and
 * Slurm queues what does not fit).
 */
export async function trySlurmCapacity(partitions: readonly string[], run: ProcessRunner, env: Record<string, string>, log: Logger): Promise<ClusterCapacity | undefined> {
  const out = await run(["sinfo", ...SINFO_CAPACITY_ARGS], { env }).catch((e: unknown) => ({ exitCode: null, stdout: "", stderr: String(e) }));
  if (out.exitCode !== 0) {
    log.warn("sinfo failed; the GPUs and CPUs jobs are released against stay as they were", { exitCode: out.exitCode, stderr: out.stderr.trim() });
    return undefined;
  }
  return parseSinfoCapacity(out.stdout, partitions);
}

/** Parses `sinfo` with SINFO_CAPACITY_ARGS (`vm|gpu*|8|gpu:a100:2|`); lines that do not fit are skipped. */
export function parseSinfoCapacity(output: string, partitions: readonly string[]): ClusterCapacity {
  const nodes = new Map<string, ClusterCapacity>();
  for (const line of output.split("\n")) {
    const [node, partition, cpus, gres] = line.split("|").map((f) => f.trim());
    if (!node || !partition || !partitions.includes(partition.replace(/\*$/, "")) || !/^\d+$/.test(cpus ?? "") || gres === undefined) continue;
    nodes.set(node, { cpus: Number(cpus), gpus: parseGpuGres(gres).reduce((sum, g) => sum + g.count, 0) });
  }
  const all = [...nodes.values()];
  return { gpus: all.reduce((s, n) => s + n.gpus, 0), cpus: all.reduce((s, n) => s + n.cpus, 0) };
}
