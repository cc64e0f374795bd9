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

/**
 * The short type a task would write as `gpu_type` for a GPU of this name:
 * its first word with a digit that is not a memory size, lower-cased
 * ("NVIDIA H100 80GB HBM3" → "h100", "Tesla V100-SXM2-16GB" → "v100",
 * "NVIDIA GeForce RTX 4090" → "4090"). It always satisfies `gpuMatchesType`
 * for that name. Undefined for a name with no such word.
 */
export function gpuTypeToken(name: string): string | undefined {
  return name
    .toLowerCase()
    .split(/[\s_-]+/)
    .find((word) => /\d/.test(word) && !/^\d+(gb|mb|g)$/.test(word));
}
