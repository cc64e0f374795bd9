import type { Command } from "commander";
import type { CliContext } from "../cli-context.js";
import { outcomeOf } from "../exit-codes.js";
import { formatTaskDetails } from "../format-task.js";
import type { CommandDeps } from "../new-program.js";
import { requireLogin } from "../require-login.js";
import { resolveTask } from "../resolve-task.js";

export interface StatusOptions {
  ref: string;
  json: boolean;
}

/** `ailab status TASK|COMMIT|BRANCH [--json]`. */
export function registerStatus(program: Command, deps: CommandDeps<StatusOptions>): Command {
  const run = deps.run ?? runStatus;
  return program
    .command("status")
    .description("Show a task's state; exits 0 success, 1 failure or error, 2 cancelled, 8 still pending")
    .argument("<task>", "a task id, a commit (hash, HEAD) or a branch (ailab/NAME or NAME)")
    .option("--json", "print the task as JSON")
    .action((ref: string, opts: { json?: boolean }) => run(deps.ctx, { ref, json: opts.json === true }));
}

/** Prints the task (stdout) and exits with its outcome, as `gh pr checks` does. */
export async function runStatus(ctx: CliContext, options: StatusOptions): Promise<void> {
  const { login, api } = await requireLogin(ctx);
  const task = await resolveTask(ctx, api, login, options.ref);
  ctx.stdout.write(options.json ? JSON.stringify(task, null, 2) + "\n" : formatTaskDetails(task));
  const outcome = outcomeOf(task);
  if (outcome) throw outcome;
}
