import type { Command } from "commander";
import type { CliContext } from "../cli-context.js";
import { UsageError } from "../cli-errors.js";
import type { CommandDeps } from "../new-program.js";

export interface LoginOptions {
  url: string;
  token?: string;
}

/** `ailab login URL [--token T]`. */
export function registerLogin(program: Command, deps: CommandDeps<LoginOptions>): Command {
  const run = deps.run ?? runLogin;
  return program
    .command("login")
    .description("Log in to an ailab server and remember it (token from --token, AILAB_TOKEN, stdin, or a prompt)")
    .argument("<url>", "the server, e.g. http://127.0.0.1:8080")
    .option("--token <token>", "the access token (prefer AILAB_TOKEN or stdin: a flag shows in the process list)")
    .action((url: string, opts: { token?: string }) => run(deps.ctx, { url, ...(opts.token !== undefined ? { token: opts.token } : {}) }));
}

/**
 * Checks the token with GET /api/whoami and stores `{url, token, user}` in
 * the config file (mode 0600). With a forge behind the server the token is
 * the student's forge personal access token, checked by the server against
 * the forge's /user, and the forge is stored too. A refused token is exit 4.
 */
export async function runLogin(ctx: CliContext, options: LoginOptions): Promise<void> {
  const url = normaliseUrl(options.url);
  const token = (options.token ?? ctx.env.AILAB_TOKEN ?? (await readToken(ctx))).trim();
  if (token === "") throw new UsageError("NoToken", "no token given: pass --token, set AILAB_TOKEN or pipe it on stdin");
  const who = await ctx.connect(url, token).whoami();
  await ctx.config.write({ url, token, user: who.user, ...(who.forge ? { forge: who.forge } : {}) });
  const account = who.forge ? ` (your ${who.forge.kind} account at ${who.forge.url})` : "";
  ctx.stderr.write(`Logged in to ${url} as ${who.user}${account}${who.admin ? " (admin)" : ""}; saved in ${ctx.config.path}\n`);
}

async function readToken(ctx: CliContext): Promise<string> {
  if (!ctx.stdin.isTTY) return ctx.stdin.readAll();
  return ctx.stdin.prompt("Token: ", { hidden: true });
}

function normaliseUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError("BadUrl", `${JSON.stringify(text)} is not a URL; expected e.g. http://127.0.0.1:8080`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UsageError("BadUrl", `${JSON.stringify(text)} is not an http(s) URL; expected e.g. http://127.0.0.1:8080`);
  }
  if (url.username || url.password) throw new UsageError("BadUrl", "put the token in --token, AILAB_TOKEN or stdin, not in the URL");
  return url.toString().replace(/\/+$/, "");
}
