import type { ActionContext } from "../action-context.js";
import { inboxes } from "../../core/protocol/mailbox.js";

/** One thing the action needs, and whether it answers now. */
export interface ReadinessCheck {
  name: "database" | "relay" | "forge";
  ok: boolean;
  detail: string;
}

/** How long one check may take before it counts as down: a hung endpoint must not hang the probe. */
const CHECK_TIMEOUT_MS = 5000;

/**
 * What `/readyz` reports: the database answers, the relay can be used (its
 * folder exists and can be written, or its bucket exists), and, with a
 * forge, the bot's token is accepted. A lost bucket shows here, not only as
 * warnings in the log.
 */
export async function checkReadiness(ctx: ActionContext): Promise<ReadinessCheck[]> {
  const checks: Promise<ReadinessCheck>[] = [
    run("database", () => {
      ctx.db.prepare("SELECT 1").get();
      return Promise.resolve("answers");
    }),
    run("relay", async () => {
      if (ctx.store.probe) await ctx.store.probe();
      else await ctx.store.list(inboxes.action());
      return "reachable";
    }),
  ];
  const remote = ctx.remote;
  if (remote) checks.push(run("forge", async () => `${remote.config.kind} answers as ${(await remote.client.bot()).login}`));
  return Promise.all(checks);
}

async function run(name: ReadinessCheck["name"], check: () => Promise<string>): Promise<ReadinessCheck> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS / 1000} s`)), CHECK_TIMEOUT_MS);
  });
  try {
    return { name, ok: true, detail: await Promise.race([check(), timeout]) };
  } catch (e) {
    return { name, ok: false, detail: e instanceof Error ? e.message : String(e) };
  } finally {
    clearTimeout(timer);
  }
}
