import { setTimeout as sleep } from "node:timers/promises";
import type { Command } from "commander";
import { FINAL_STATES } from "../../core/api/types.js";
import type { CliContext } from "../cli-context.js";
import type { CommandDeps } from "../new-program.js";
import { requireLogin } from "../require-login.js";
import { resolveTask } from "../resolve-task.js";

export interface LogsOptions {
  ref: string;
  follow: boolean;
}

/** `ailab logs TASK [--follow]`. */
export function registerLogs(program: Command, deps: CommandDeps<LogsOptions>): Command {
  const run = deps.run ?? runLogs;
  return program
    .command("logs")
    .description("Print a task's output; --follow keeps printing until the task ends")
    .argument("<task>", "a task id, a commit or a branch")
    .option("-f, --follow", "keep reading new output until the task ends")
    .action((ref: string, opts: { follow?: boolean }) => run(deps.ctx, { ref, follow: opts.follow === true }));
}

/**
 * Reads the log from offset 0 with `?offset=`, writing it to stdout as it
 * comes; with `follow`, polls for more until the task is in a final state
 * and nothing is left to read.
 */
export async function runLogs(ctx: CliContext, options: LogsOptions): Promise<void> {
  const { login, api } = await requireLogin(ctx);
  const task = await resolveTask(ctx, api, login, options.ref);
  let offset = 0;
  for (;;) {
    const chunk = await api.readLog(task.id, offset);
    if (chunk.text !== "") ctx.stdout.write(chunk.text);
    const moved = chunk.nextOffset > offset;
    offset = chunk.nextOffset;
    if (moved) continue; // there may be more right away
    if (!options.follow) return;
    const state = chunk.state ?? (await api.getTask(task.id)).state;
    if (FINAL_STATES.includes(state)) return;
    await sleep(ctx.pollMs);
  }
}
