import type { Command } from "commander";
import type { AccountingView } from "../../core/api/types.js";
import type { CliContext } from "../cli-context.js";
import type { CommandDeps } from "../new-program.js";
import { requireLogin } from "../require-login.js";
import { formatGpuHours } from "../../core/format-gpu-hours.js";

export interface WhoamiOptions {
  json: boolean;
}

/** `ailab whoami [--json]`. */
export function registerWhoami(program: Command, deps: CommandDeps<WhoamiOptions>): Command {
  const run = deps.run ?? runWhoami;
  return program
    .command("whoami")
    .description("Print the user the stored token belongs to, with their use of the cluster and their budget (asks the server)")
    .option("--json", "print {url, user, admin, accounting?, accountingByRunner?} as JSON")
    .action((opts: { json?: boolean }) => run(deps.ctx, { json: opts.json === true }));
}

/**
 * Prints the user on stdout, followed by their use of the cluster once a
 * runner has reported it:
 * `alice · 3 tasks (2 succeeded, 1 failed) · 1.25 GPU-hours · 0.50 of 10 GPU-hours used in the last 7 days · limit 1 job at once`.
 */
export async function runWhoami(ctx: CliContext, options: WhoamiOptions): Promise<void> {
  const { login, api } = await requireLogin(ctx);
  const who = await api.whoami();
  if (options.json) {
    ctx.stdout.write(JSON.stringify({ url: login.url, ...who }, null, 2) + "\n");
    return;
  }
  ctx.stdout.write(`${[who.user, ...(who.accounting ? describeUsage(who.accounting) : [])].join(" · ")}\n`);
  ctx.stderr.write(`logged in to ${login.url}${who.admin ? " as an admin" : ""}\n`);
}

/** The parts of the usage line after the user's name. */
export function describeUsage(a: AccountingView): string[] {
  const period = a.periodHours % 24 === 0 ? `${a.periodHours / 24} day${a.periodHours === 24 ? "" : "s"}` : `${a.periodHours} hours`;
  const parts = [
    `${a.tasks} task${a.tasks === 1 ? "" : "s"} (${a.succeeded} succeeded, ${a.failed} failed)`,
    `${formatGpuHours(a.gpuHours)} GPU-hours`,
    a.gpuHoursBudget === null
      ? `${formatGpuHours(a.gpuHoursInPeriod)} GPU-hours in the last ${period}`
      : `${formatGpuHours(a.gpuHoursInPeriod)} of ${a.gpuHoursBudget} GPU-hours used in the last ${period}`,
  ];
  if (a.runningJobs > 0) parts.push(`${a.runningJobs} running`);
  const limits = [
    ...(a.maxRunningJobs === null ? [] : [`${a.maxRunningJobs} job${a.maxRunningJobs === 1 ? "" : "s"}`]),
    ...(a.maxGpus === null ? [] : [`${a.maxGpus} GPU${a.maxGpus === 1 ? "" : "s"}`]),
  ];
  if (limits.length > 0) parts.push(`limit ${limits.join(" and ")} at once`);
  return parts;
}
