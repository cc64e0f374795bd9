import { constants } from "node:fs";
import { access } from "node:fs/promises";
import { delimiter, isAbsolute, join } from "node:path";
import { AilabError } from "../../core/errors.js";
import type { Logger } from "../../core/logger.js";
import type { ProcessRunner } from "../process-runner.js";
import { bwrapArgs } from "./bwrap-args.js";

/** How the runner's jobs are kept apart: `bwrap` (bubblewrap) or, where the admin opted out, `none`. */
export type SandboxKind = "bwrap" | "none";

/** Said in the log (and in the heartbeat's `sandbox`) whenever jobs run unconfined. */
export const NO_SANDBOX_WARNING =
  "jobs run WITHOUT a sandbox: any job can read the relay secret, the runner's database and caches and other students' jobs, and change them";

/**
 * Decides the sandbox at start. `setting` is the admin's (AILAB_SANDBOX /
 * --sandbox), undefined for the default: bwrap when it is found on PATH,
 * else none. bwrap, asked for or found, is tried once with the namespaces
 * jobs get (a user namespace is what a node with
 * `kernel.unprivileged_userns_clone=0` refuses): a bwrap that cannot run is
 * an error here, where the admin looks, not a failure of every job. With
 * Slurm the batch script looks for bwrap again on the node that runs the job.
 * Throws AilabError `SandboxUnavailable`.
 */
export async function chooseSandbox(setting: SandboxKind | undefined, env: Record<string, string>, run: ProcessRunner, log: Logger): Promise<SandboxKind> {
  if (setting === "none") {
    log.warn(NO_SANDBOX_WARNING, { sandbox: "none", setting: "AILAB_SANDBOX" });
    return "none";
  }
  const bwrap = await findOnPath("bwrap", env.PATH ?? "");
  if (bwrap === undefined) {
    if (setting === "bwrap") throw new AilabError("SandboxUnavailable", "AILAB_SANDBOX is bwrap, and bwrap is not on PATH: install bubblewrap (apt-get install bubblewrap), or set AILAB_SANDBOX=none to run jobs unconfined", { reason: "missing" });
    log.warn(`${NO_SANDBOX_WARNING} (bwrap was not found on PATH: install bubblewrap)`, { sandbox: "none" });
    return "none";
  }
  const probe = await run([bwrap, ...bwrapArgs({ writable: [], readOnly: [] }), "true"], { cwd: "/", env, signal: AbortSignal.timeout(30_000) });
  if (probe.exitCode !== 0) {
    throw new AilabError("SandboxUnavailable", `bwrap (${bwrap}) cannot start a sandbox here: ${probe.stderr.trim() || `exit code ${probe.exitCode}`}; allow unprivileged user namespaces, or set AILAB_SANDBOX=none to run jobs unconfined`, { reason: "cannot-run", bwrap, stderr: probe.stderr.trim() });
  }
  log.info("jobs run in a sandbox", { sandbox: "bwrap", bwrap });
  return "bwrap";
}

async function findOnPath(name: string, path: string): Promise<string | undefined> {
  for (const dir of path.split(delimiter)) {
    if (dir === "" || !isAbsolute(dir)) continue;
    try {
      await access(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not in this folder
    }
  }
  return undefined;
}
