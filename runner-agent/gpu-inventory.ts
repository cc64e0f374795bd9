import { errnoCode } from "../core/errors.js";
import type { Logger } from "../core/logger.js";
import { NVIDIA_SMI_QUERY, parseNvidiaSmi, type GpuInfo } from "./gpu/nvidia-smi.js";
import type { ProcessRunner } from "./process-runner.js";

/** A GPU the local executor may hand out: its CUDA_VISIBLE_DEVICES id and its name (for `gpu_type`). */
export interface LocalGpu {
  id: string;
  name: string;
  /** What nvidia-smi said of it at start, if it knows the GPU. */
  info?: GpuInfo;
}

/**
 * The GPUs of this machine that jobs may use: all that `nvidia-smi` lists
 * ("auto"; none when there is no nvidia-smi), or the admin's list of indices
 * or UUIDs (named from nvidia-smi where it knows them).
 */
export async function findGpus(setting: "auto" | string[], run: ProcessRunner, env: Record<string, string>, log: Logger): Promise<LocalGpu[]> {
  const listed = await queryNvidiaSmi(run, env, log);
  if (setting === "auto") return listed.map((gpu) => ({ id: String(gpu.index), name: gpu.name, info: gpu }));
  return setting.map((id) => {
    const info = listed.find((gpu) => String(gpu.index) === id || gpu.uuid === id);
    return info ? { id, name: info.name, info } : { id, name: "" };
  });
}

/** nvidia-smi's current view of the GPUs (memory, utilization); none without nvidia-smi. */
export async function queryNvidiaSmi(run: ProcessRunner, env: Record<string, string>, log: Logger): Promise<GpuInfo[]> {
  try {
    const result = await run(["nvidia-smi", ...NVIDIA_SMI_QUERY], { env });
    if (result.exitCode === 0) return parseNvidiaSmi(result.stdout);
    log.warn("nvidia-smi failed; no GPUs found", { exitCode: result.exitCode, stderr: result.stderr.trim() });
  } catch (e) {
    if (errnoCode(e) !== "ENOENT") throw e;
  }
  return [];
}
