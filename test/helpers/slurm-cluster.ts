import { spawnSync } from "node:child_process";
import type { TestContext } from "node:test";

/**
 * Whether the one-node test cluster (scripts/slurm-test-cluster.sh) answers.
 * Under CI a missing cluster is a failure, never a skip; on a developer's
 * machine without Slurm the test is skipped with the reason.
 */
export function requireSlurm(t: TestContext): boolean {
  const probe = spawnSync("sinfo", ["-h", "-o", "%T"], { encoding: "utf8" });
  if (probe.status === 0 && /idle|mixed|allocated/.test(probe.stdout)) return true;
  const why = `Slurm test cluster not running (${probe.error ? probe.error.message : probe.stderr.trim() || probe.stdout.trim()}); start it with scripts/slurm-test-cluster.sh`;
  if (process.env.CI) throw new Error(why);
  t.skip(why);
  return false;
}

/** Cancels every job whose name starts with `prefix`, so a failed test leaves the node free. */
export function scancelByPrefix(prefix: string): void {
  const out = spawnSync("squeue", ["-h", "-o", "%A|%j"], { encoding: "utf8" });
  const ids = out.stdout
    .split("\n")
    .map((l) => l.split("|"))
    .filter(([, name]) => name?.startsWith(prefix))
    .map(([id]) => id!);
  if (ids.length) spawnSync("scancel", ids);
}
