/**
 * What a Slurm cluster offers in GPUs, read from one `sinfo` call: one line
 * per node and partition with the node's generic resources and those in use.
 * Example line: `vm|gpu*|gpu:a100:2|gpu:a100:1(IDX:0)|` (the default
 * partition is starred).
 */
export const SINFO_GRES_ARGS = ["-h", "-N", "-O", "NodeHost:|,Partition:|,Gres:|,GresUsed:|"];

export interface SinfoNode {
  node: string;
  partition: string;
  gres: GresEntry[];
  gresUsed: GresEntry[];
}

/** One `gpu[:type]:count` entry; `type` is null when the cluster names none. */
export interface GresEntry {
  type: string | null;
  count: number;
}

/** Parses the output of `sinfo` with SINFO_GRES_ARGS; lines that do not fit are skipped. */
export function parseSinfoGres(output: string): SinfoNode[] {
  const nodes: SinfoNode[] = [];
  for (const line of output.split("\n")) {
    const [node, partition, gres, used] = line.split("|").map((f) => f.trim());
    if (!node || !partition || gres === undefined || used === undefined) continue;
    nodes.push({ node, partition: partition.replace(/\*$/, ""), gres: parseGpuGres(gres), gresUsed: parseGpuGres(used) });
  }
  return nodes;
}

/**
 * The GPU entries of a gres string: `gpu:a100:2`, `gpu:2`,
 * `gpu:a100:2(S:0-1)`, `gpu:a100:1(IDX:0,2),gpu:v100:1`, `(null)`.
 * Other generic resources are left out.
 */
export function parseGpuGres(text: string): GresEntry[] {
  const entries: GresEntry[] = [];
  // Commas inside parentheses (IDX lists) do not separate entries.
  for (const item of text.replace(/\([^)]*\)/g, "").split(",")) {
    const parts = item.trim().split(":");
    if (parts[0] !== "gpu") continue;
    const count = Number(parts.at(-1));
    if (parts.length < 2 || !Number.isInteger(count)) continue;
    entries.push({ type: parts.length >= 3 ? parts[1]! : null, count });
  }
  return entries;
}
