import { gpuMatchesType } from "./gpu/nvidia-smi.js";
import type { LocalGpu } from "./gpu-inventory.js";

export type GpuDecision = { give: string[] } | { wait: true } | { error: string };

/**
 * Which GPUs a task gets on this machine: the lowest free ones of the type it
 * asks for; `wait` while too few are free (the task keeps its place at the
 * head of the line); `error` when the machine could never give it enough.
 */
export function allocateGpus(want: number, gpuType: string | undefined, gpus: readonly LocalGpu[], busy: ReadonlySet<string>): GpuDecision {
  if (want === 0) return { give: [] };
  const fitting = gpuType === undefined ? gpus : gpus.filter((gpu) => gpuMatchesType(gpu, gpuType));
  if (fitting.length < want) {
    const kind = gpuType === undefined ? "" : ` ${gpuType}`;
    const has = gpus.length === 0 ? "none" : gpuType === undefined ? String(gpus.length) : `${fitting.length}${kind} among ${gpus.length}`;
    return { error: `the task asks for ${want}${kind} GPU${want === 1 ? "" : "s"}; this runner has ${has}` };
  }
  const free = fitting.filter((gpu) => !busy.has(gpu.id));
  if (free.length < want) return { wait: true };
  return { give: free.slice(0, want).map((gpu) => gpu.id) };
}
