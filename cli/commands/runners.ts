import type { Command } from "commander";
import type { RunnerView } from "../../core/api/types.js";
import type { CliContext } from "../cli-context.js";
import type { CommandDeps } from "../new-program.js";
import { requireLogin } from "../require-login.js";

export interface RunnersOptions {
  json: boolean;
}

/** `ailab runners [--json]`. */
export function registerRunners(program: Command, deps: CommandDeps<RunnersOptions>): Command {
  const run = deps.run ?? runRunners;
  return program
    .command("runners")
    .description("List the clusters and GPU boxes that run tasks: their GPU types, partitions, free GPUs and Python versions (what gpu_type, partition, cluster and requires-python may name)")
    .option("--json", "print the runners as a JSON array")
    .action((opts: { json?: boolean }) => run(deps.ctx, { json: opts.json === true }));
}

/**
 * One line a runner on stdout, e.g.
 * `cluster-a  slurm  a100  partitions gpu,debug  1 of 2 GPUs free  Python 3.12.4,3.11.7`;
 * an empty list prints nothing and exits 0.
 */
export async function runRunners(ctx: CliContext, options: RunnersOptions): Promise<void> {
  const { api } = await requireLogin(ctx);
  const runners = await api.listRunners();
  if (options.json) {
    ctx.stdout.write(JSON.stringify(runners, null, 2) + "\n");
    return;
  }
  if (runners.length === 0) ctx.stderr.write("no runner has reported yet\n");
  for (const runner of runners) ctx.stdout.write(describeRunner(runner) + "\n");
}

export function describeRunner(r: RunnerView): string {
  const types = r.gpuTypes.filter((t) => !/\s/.test(t));
  return [
    r.name,
    r.scheduler,
    types.length > 0 ? types.join(",") : "no GPUs",
    ...(r.partitions.length > 0 ? [`partitions ${r.partitions.join(",")}`] : []),
    `${r.freeGpus} of ${r.totalGpus} GPU${r.totalGpus === 1 ? "" : "s"} free`,
    ...(r.pythons ? [`Python ${r.pythons.length > 0 ? r.pythons.join(",") : "none"}`] : []),
    // Loud on purpose: on such a runner any job can read the relay secret and other students' work.
    ...(r.sandbox === "none" ? ["NO SANDBOX: jobs are not kept apart"] : []),
    ...(r.stale ? [`not heard from since ${r.lastSeen}`] : []),
  ].join("  ");
}
