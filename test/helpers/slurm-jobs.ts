import { spawnSync } from "node:child_process";

/** One line of squeue for a job or an array element. */
export interface SlurmJobLine {
  /** The array's job id (the job id for a plain job). */
  arrayJobId: string;
  /** The element's index, or "N/A" for a plain job. */
  arrayIndex: string;
  state: string;
  partition: string;
}

/**
 * What Slurm lists under a job name: `squeue -h -r --name <name>`, every
 * state (`-t all`, jobs that ended too, while Slurm remembers them) or only
 * the active ones. One line per array element.
 */
export function slurmJobsNamed(name: string, states: "all" | "active" = "all"): SlurmJobLine[] {
  const args = ["-h", "-r", "--name", name, "-o", "%F|%K|%T|%P", ...(states === "all" ? ["-t", "all"] : [])];
  const out = spawnSync("squeue", args, { encoding: "utf8" });
  if (out.status !== 0) throw new Error(`squeue failed: ${out.stderr}`);
  return out.stdout
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => {
      const [arrayJobId = "", arrayIndex = "", state = "", partition = ""] = line.trim().split("|");
      return { arrayJobId, arrayIndex, state, partition };
    });
}

/** The node names Slurm has (`sinfo -h -N -o %N`). */
export function slurmNodes(): string[] {
  const out = spawnSync("sinfo", ["-h", "-N", "-o", "%N"], { encoding: "utf8" });
  return [...new Set(out.stdout.split("\n").map((l) => l.trim()).filter(Boolean))];
}
