import type { Command } from "commander";
import type { CliContext } from "./cli-context.js";
import { registerCancel } from "./commands/cancel.js";
import { registerInit } from "./commands/init.js";
import { registerList } from "./commands/list.js";
import { registerLogin } from "./commands/login.js";
import { registerLogs } from "./commands/logs.js";
import { registerPull } from "./commands/pull.js";
import { registerRunners } from "./commands/runners.js";
import { registerStatus } from "./commands/status.js";
import { registerSubmit } from "./commands/submit.js";
import { registerUp } from "./commands/up.js";
import { registerValidate } from "./commands/validate.js";
import { registerWhoami } from "./commands/whoami.js";
import { newProgram } from "./new-program.js";
import { packageVersion } from "./package-version.js";

/** The whole `ailab` command line, every command wired to its real run function. */
export function buildProgram(ctx: CliContext): Command {
  const program = newProgram(ctx).version(packageVersion(), "-V, --version");
  const deps = { ctx };
  registerInit(program, deps);
  registerValidate(program, deps);
  registerLogin(program, deps);
  registerWhoami(program, deps);
  registerRunners(program, deps);
  registerSubmit(program, deps);
  registerStatus(program, deps);
  registerList(program, deps);
  registerLogs(program, deps);
  registerCancel(program, deps);
  registerPull(program, deps);
  registerUp(program, deps);
  program.addHelpText(
    "after",
    "\nExit status: 0 ok, 1 error or failed task, 2 cancelled, 4 not logged in or token refused, 8 still pending.\n" +
      "Data goes to stdout and progress to stderr; --json where offered is for scripts.\n",
  );
  return program;
}
