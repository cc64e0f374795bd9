import type { Command } from "commander";
import type { CliContext } from "../cli-context.js";
import type { CommandDeps } from "../new-program.js";
import { requireLogin } from "../require-login.js";

export interface WhoamiOptions {
  json: boolean;
}

/** `ailab whoami [--json]`. */
export function registerWhoami(program: Command, deps: CommandDeps<WhoamiOptions>): Command {
  const run = deps.run ?? runWhoami;
  return program
    .command("whoami")
    .description("Print the user the stored token belongs to (asks the server)")
    .option("--json", "print {url, user, admin} as JSON")
    .action((opts: { json?: boolean }) => run(deps.ctx, { json: opts.json === true }));
}

export async function runWhoami(ctx: CliContext, options: WhoamiOptions): Promise<void> {
  const { login, api } = await requireLogin(ctx);
  const who = await api.whoami();
  if (options.json) {
    ctx.stdout.write(JSON.stringify({ url: login.url, user: who.user, admin: who.admin }, null, 2) + "\n");
    return;
  }
  ctx.stdout.write(`${who.user}\n`);
  ctx.stderr.write(`logged in to ${login.url}${who.admin ? " as an admin" : ""}\n`);
}
