/**
 * What the local executor knows of a GPU, read from
 * `nvidia-smi --query-gpu=… --format=csv,noheader,nounits`. The process list
 * (`--query-compute-apps`) is not used: inside some sandboxes the driver
 * lists no processes even while a job runs, so the executor tracks what it
 * handed out itself.
 */
export interface GpuInfo {
  index: number;
  uuid: string;
  name: string;
  memoryTotalMiB: number | null;
  memoryUsedMiB: number | null;
  memoryFreeMiB: number | null;
  utilizationPercent: number | null;
  temperatureC: number | null;
}

export const NVIDIA_SMI_QUERY = [
  "--query-gpu=index,uuid,name,memory.total,memory.used,memory.free,utilization.gpu,temperature.gpu",
  "--format=csv,noheader,nounits",
];

/** Parses the query's output; lines that do not fit are skipped. */
export function parseNvidiaSmi(output: string): GpuInfo[] {
  const gpus: GpuInfo[] = [];
  for (const line of output.split("\n")) {
    const f = line.split(",").map((s) => s.trim());
    if (f.length < 8 || !/^\d+$/.test(f[0]!)) continue;
    gpus.push({
      index: Number(f[0]),
      uuid: f[1]!,
      name: f[2]!,
      memoryTotalMiB: num(f[3]!),
      memoryUsedMiB: num(f[4]!),
      memoryFreeMiB: num(f[5]!),
      utilizationPercent: num(f[6]!),
      temperatureC: num(f[7]!),
    });
  }
  return gpus;
}

/** `[N/A]`, `[Not Supported]` and the like become null. */
function num(text: string): number | null {
  return /^\d+(\.\d+)?$/.test(text) ? Number(text) : null;
}

/**
 * Whether a GPU's name satisfies a task's `gpu_type`: case-insensitive match
 * on a whole word of the name, so "h100" matches "NVIDIA H100 80GB HBM3" and
 * "a100" does not match "a1000".
 */
export function gpuMatchesType(gpu: Pick<GpuInfo, "name">, gpuType: string): boolean {
  const want = gpuType.toLowerCase();
  return gpu.name.toLowerCase().split(/[\s_-]+/).includes(want);
}
