import { Command } from "commander";
import type { CliContext } from "./cli-context.js";

/**
 * The root `ailab` command with no subcommands yet: errors throw instead of
 * exiting, and commander's own output goes to the context's writers.
 * Subcommands added afterwards inherit both.
 */
export function newProgram(ctx: CliContext): Command {
  return new Command("ailab")
    .description("Turn a git push into a GPU job and bring the result back.")
    .exitOverride()
    .configureOutput({
      writeOut: (text) => ctx.stdout.write(text),
      writeErr: (text) => ctx.stderr.write(text),
    })
    .showSuggestionAfterError()
    .helpCommand(true);
}

/** How a command's registration is given its context and, in tests, a stand-in for its run function. */
export interface CommandDeps<Options> {
  ctx: CliContext;
  run?: (ctx: CliContext, options: Options) => Promise<void>;
}
