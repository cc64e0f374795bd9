import type { Logger } from "../core/logger.js";
import type { GpuReport, Heartbeat } from "../core/protocol/messages.js";
import { gpuTypeToken } from "./gpu/nvidia-smi.js";
import { parseSinfoGres, SINFO_GRES_ARGS } from "./gpu/slurm-gres.js";
import { queryNvidiaSmi, type LocalGpu } from "./gpu-inventory.js";
import type { ProcessRunner } from "./process-runner.js";

/** What a runner offers, as its heartbeat says it. */
export type Offer = Pick<Heartbeat, "partitions" | "gpuTypes" | "totalGpus" | "freeGpus" | "gpus">;

/**
 * A GPU box's offer: its GPUs as nvidia-smi sees them now (memory,
 * utilisation), which task holds each, and the GPU types a task may ask
 * for: every full name ("NVIDIA H100 80GB HBM3") and its short type ("h100").
 * `holders` maps a GPU id to the task it was handed to.
 */
export async function localOffer(gpus: readonly LocalGpu[], holders: ReadonlyMap<string, string>, run: ProcessRunner, env: Record<string, string>, log: Logger): Promise<Offer> {
  const live = gpus.length > 0 ? await queryNvidiaSmi(run, env, log) : [];
  const reports: GpuReport[] = gpus.map((gpu) => {
    const info = live.find((g) => g.uuid === gpu.info?.uuid) ?? gpu.info;
    return {
      index: info?.index ?? (/^\d+$/.test(gpu.id) ? Number(gpu.id) : 0),
      uuid: info?.uuid ?? gpu.id,
      name: gpu.name,
      memoryTotalMiB: info?.memoryTotalMiB ?? null,
      memoryUsedMiB: info?.memoryUsedMiB ?? null,
      utilizationPercent: info?.utilizationPercent ?? null,
      taskId: holders.get(gpu.id) ?? null,
    };
  });
  const names = gpus.map((g) => g.name).filter((n) => n !== "");
  return {
    partitions: [],
    gpuTypes: distinct([...names, ...names.map(gpuTypeToken).filter((t) => t !== undefined)]),
    totalGpus: gpus.length,
    freeGpus: gpus.filter((g) => !holders.has(g.id)).length,
    gpus: reports,
  };
}

/**
 * A Slurm cluster's offer, from one `sinfo` call: the partitions tasks may
 * use (the admin's list, or every partition sinfo lists), the gres GPU types
 * of their nodes (`gpu:a100:2` → "a100"), and those nodes' GPUs in all and
 * not allocated. A failed sinfo is a warning and offers no GPUs.
 */
export async function slurmOffer(allowed: readonly string[] | undefined, run: ProcessRunner, env: Record<string, string>, log: Logger): Promise<Offer> {
  const out = await run(["sinfo", ...SINFO_GRES_ARGS], { env }).catch((e: unknown) => ({ exitCode: null, stdout: "", stderr: String(e) }));
  if (out.exitCode !== 0) log.warn("sinfo failed; the heartbeat offers no GPUs", { exitCode: out.exitCode, stderr: out.stderr.trim() });
  const lines = out.exitCode === 0 ? parseSinfoGres(out.stdout) : [];
  const partitions = allowed ? [...allowed] : distinct(lines.map((l) => l.partition));
  const inUse = lines.filter((l) => partitions.includes(l.partition));
  // A node in two partitions is listed twice; its GPUs count once.
  const nodes = new Map(inUse.map((l) => [l.node, l]));
  const count = (entries: readonly { count: number }[]) => entries.reduce((sum, e) => sum + e.count, 0);
  const totalGpus = [...nodes.values()].reduce((sum, n) => sum + count(n.gres), 0);
  const usedGpus = [...nodes.values()].reduce((sum, n) => sum + count(n.gresUsed), 0);
  return {
    partitions,
    gpuTypes: distinct(inUse.flatMap((l) => l.gres.map((g) => g.type).filter((t) => t !== null))),
    totalGpus,
    freeGpus: Math.max(0, totalGpus - usedGpus),
    gpus: [],
  };
}

function distinct(items: readonly string[]): string[] {
  return [...new Set(items)].sort();
}
