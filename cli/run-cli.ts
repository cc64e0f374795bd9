import { CommanderError, type Command } from "commander";
import { AilabError } from "../core/errors.js";
import { TASK_FILE_NAMES, TaskFileError } from "../core/task/parse-task-file.js";
import { buildProgram } from "./build-program.js";
import type { CliContext } from "./cli-context.js";
import { exitCodeFor } from "./exit-codes.js";

/**
 * Runs `ailab` with `argv` (without node and the script) and returns the exit
 * status: the one place where thrown errors become a message on stderr and
 * a number (0 ok, 1 error or failed task, 2 cancelled, 4 auth, 8 pending).
 */
export async function runCli(argv: readonly string[], ctx: CliContext, build: (ctx: CliContext) => Command = buildProgram): Promise<number> {
  const program = build(ctx);
  try {
    await program.parseAsync([...argv], { from: "user" });
    return 0;
  } catch (e) {
    // commander has already printed its own message (or the help).
    if (!(e instanceof CommanderError)) ctx.stderr.write(formatError(e, ctx.env.AILAB_DEBUG === "1"));
    return exitCodeFor(e);
  }
}

const MAX_ISSUES_SHOWN = 50;

/** The message a user sees for an error: every issue of a task file (or of the files it names), one per line. */
export function formatError(e: unknown, debug = false): string {
  if (e instanceof TaskFileError) {
    const n = e.issues.length;
    const what = e.issues.every((i) => (TASK_FILE_NAMES as readonly string[]).includes(i.file)) ? "the task file" : "the project";
    // A file of 50,000 unknown keys must not print 50,000 lines; the first ones say what is wrong.
    const shown = e.issues.slice(0, MAX_ISSUES_SHOWN).map((i) => `  ${i.file}: ${i.key}: ${i.message}`);
    if (n > MAX_ISSUES_SHOWN) shown.push(`  … and ${n - MAX_ISSUES_SHOWN} more`);
    return `error: ${what} has ${n} problem${n === 1 ? "" : "s"}:\n${shown.join("\n")}\n`;
  }
  if (e instanceof AilabError) return `error: ${e.message}\n${debug && e.stack ? e.stack + "\n" : ""}`;
  if (e instanceof Error) return `error: ${e.message}\n${debug && e.stack ? e.stack + "\n" : ""}`;
  return `error: ${String(e)}\n`;
}
