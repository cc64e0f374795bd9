import type { Command } from "commander";
import type { CliContext } from "../cli-context.js";
import { formatTaskTable } from "../format-task.js";
import type { CommandDeps } from "../new-program.js";
import { requireLogin } from "../require-login.js";

export interface ListOptions {
  json: boolean;
  repo?: string;
  branch?: string;
}

/** `ailab list [--json] [--repo OWNER/NAME] [--branch B]`. */
export function registerList(program: Command, deps: CommandDeps<ListOptions>): Command {
  const run = deps.run ?? runList;
  return program
    .command("list")
    .alias("ls")
    .description("List your tasks, newest first")
    .option("--json", "print the tasks as a JSON array")
    .option("--repo <owner/name>", "only tasks of this repository")
    .option("--branch <branch>", "only tasks of this branch (ailab/NAME)")
    .action((opts: { json?: boolean; repo?: string; branch?: string }) =>
      run(deps.ctx, {
        json: opts.json === true,
        ...(opts.repo !== undefined ? { repo: opts.repo } : {}),
        ...(opts.branch !== undefined ? { branch: opts.branch } : {}),
      }),
    );
}

/** Prints a table (or JSON) on stdout; no tasks is not an error. */
export async function runList(ctx: CliContext, options: ListOptions): Promise<void> {
  const { api } = await requireLogin(ctx);
  const tasks = await api.listTasks({
    ...(options.repo !== undefined ? { repo: options.repo } : {}),
    ...(options.branch !== undefined ? { branch: options.branch } : {}),
  });
  if (options.json) {
    ctx.stdout.write(JSON.stringify(tasks, null, 2) + "\n");
    return;
  }
  if (tasks.length === 0) {
    ctx.stderr.write("no tasks yet: submit one with `ailab submit`\n");
    return;
  }
  ctx.stdout.write(formatTaskTable(tasks));
}
