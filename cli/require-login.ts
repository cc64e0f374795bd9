import type { ApiClient } from "./api-client.js";
import type { CliContext } from "./cli-context.js";
import { AuthError } from "./cli-errors.js";
import type { StoredLogin } from "./config-store.js";

/** The stored login and a client for it; AuthError (exit 4) when there is none. */
export async function requireLogin(ctx: CliContext): Promise<{ login: StoredLogin; api: ApiClient }> {
  const login = await ctx.config.read();
  if (!login) throw new AuthError("not logged in: run `ailab login URL` first", { config: ctx.config.path });
  return { login, api: ctx.connect(login.url, login.token) };
}
