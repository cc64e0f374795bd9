import type { Command } from "commander";
import { FINAL_STATES } from "../../core/api/types.js";
import type { CliContext } from "../cli-context.js";
import { ApiRequestError, UsageError } from "../cli-errors.js";
import type { CommandDeps } from "../new-program.js";
import { requireLogin } from "../require-login.js";
import { resolveTask } from "../resolve-task.js";

export interface CancelOptions {
  ref: string;
}

/** `ailab cancel TASK`. */
export function registerCancel(program: Command, deps: CommandDeps<CancelOptions>): Command {
  const run = deps.run ?? runCancel;
  return program
    .command("cancel")
    .description("Cancel a queued or running task")
    .argument("<task>", "a task id, a commit or a branch")
    .action((ref: string) => run(deps.ctx, { ref }));
}

/** Asks the server to cancel; a task that has already ended is an error (exit 1). */
export async function runCancel(ctx: CliContext, options: CancelOptions): Promise<void> {
  const { login, api } = await requireLogin(ctx);
  const task = await resolveTask(ctx, api, login, options.ref);
  if (FINAL_STATES.includes(task.state)) {
    throw new UsageError("TaskEnded", `task ${task.id} has already ended (${task.state}); nothing to cancel`, { taskId: task.id });
  }
  try {
    const after = await api.cancel(task.id);
    ctx.stderr.write(`cancel requested for task ${after.id} (${after.state}${after.description ? `: ${after.description}` : ""})\n`);
  } catch (e) {
    if (e instanceof ApiRequestError && e.status === 409) {
      throw new UsageError("TaskEnded", `task ${task.id} has already ended; nothing to cancel`, { taskId: task.id });
    }
    throw e;
  }
}
