import type { IncomingMessage, ServerResponse } from "node:http";
import { nowIso, type ActionContext } from "../../action-context.js";
import { sendError, sendJson } from "../../http/respond.js";
import { allows, type Permission } from "../../users/accounts.js";
import { USER_NAME_PATTERN } from "../../users/names.js";
import type { RemoteForgeConfig } from "../forge-config.js";
import { toRepoName } from "../remote/mirror-push-source.js";
import { addForgeTarget } from "../remote/forge-targets.js";
import { recordDelivery } from "./delivery-store.js";
import { parseDelivery } from "./parse-delivery.js";
import { hasValidSignature } from "./verify-signature.js";

/** Gitea's push bodies are small (5 commits at most); anything near this is not a delivery. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

/**
 * POST /forge/webhook: a forge's push or delete delivery. The signature is
 * checked over the raw bytes before anything else is looked at; a missing,
 * empty or wrong one is 401 and nothing is done. The pusher it names must
 * have write access to the repository on the forge (asked as the bot,
 * cached for a minute): otherwise 403 and nothing is done. A valid notice
 * about an ailab branch is written to the database and answered 202 at once
 * (Gitea waits 5 s and never retries); the work — fetch, diff, submit —
 * happens after the answer, in `onAccepted`. The same endpoint takes the
 * deliveries of the workflow action (action/action.yml).
 */
export async function serveWebhook(ctx: ActionContext, forge: RemoteForgeConfig, req: IncomingMessage, res: ServerResponse, onAccepted: () => void): Promise<void> {
  if (req.method !== "POST") return sendError(res, 405, "MethodNotAllowed", "webhooks are POSTed");
  const raw = await readBody(req, MAX_BODY_BYTES);
  if (raw === undefined) return sendError(res, 413, "TooLarge", `a delivery is at most ${MAX_BODY_BYTES} bytes`);
  // A "form" hook sends payload=<JSON>, signed over the JSON text itself.
  const form = (req.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded");
  const signed = form ? Buffer.from(new URLSearchParams(raw.toString("latin1")).get("payload") ?? "", "utf8") : raw;
  if (!hasValidSignature(forge.kind, req.headers, signed, forge.webhookSecret)) {
    ctx.log.warn("webhook refused: missing or wrong signature", { from: req.socket.remoteAddress, bytes: raw.length });
    return sendError(res, 401, "BadSignature", "the delivery is not signed with the webhook secret");
  }
  const parsed = parseDelivery(req.headers, signed.toString("utf8"));
  if (parsed.kind === "invalid") return sendError(res, 400, "BadDelivery", parsed.reason);
  if (parsed.kind === "ignored") return sendJson(res, 200, { ignored: parsed.reason });
  const repo = toRepoName(parsed.notice.repo);
  const pusher = parsed.notice.pusher.toLowerCase();
  if (!repo) return sendError(res, 422, "BadRepository", `repository ${JSON.stringify(parsed.notice.repo)} cannot be held by ailab`);
  if (!USER_NAME_PATTERN.test(pusher)) return sendError(res, 422, "BadUser", `forge user ${JSON.stringify(parsed.notice.pusher)} does not match ${USER_NAME_PATTERN.source}`);
  const key = `${repo.owner}/${repo.name}`;
  // The secret signs for whoever holds it: with the workflow action that is every workflow of the
  // repository (or organisation), so the pusher a delivery names is credited only if the forge says
  // they may push there. The commit itself is still fetched from the forge (it must be there).
  let permission: Permission;
  try {
    permission = await ctx.accounts.permission({ name: pusher, admin: false }, key);
  } catch (e) {
    ctx.log.warn("webhook refused: the forge could not say whether the pusher may push", { repo: key, pusher, error: e });
    return sendError(res, 503, "ForgeUnavailable", `the forge could not say whether ${pusher} may push to ${key}; nothing was recorded, try again`);
  }
  if (!allows(permission, "write")) {
    ctx.log.warn("webhook refused: the pusher it names cannot push to the repository", { repo: key, pusher, permission, delivery: parsed.deliveryId });
    return sendError(res, 403, "PusherCannotWrite", `forge user ${pusher} has no write access to ${key}; nothing was recorded`);
  }
  const now = nowIso(ctx);
  ctx.db.transaction(() => {
    recordDelivery(ctx.db, { deliveryId: parsed.deliveryId, event: parsed.event, notice: parsed.notice, repo: key, pusher }, now);
    addForgeTarget(ctx.db, key, "repo", null, now);
  })();
  sendJson(res, 202, { accepted: { repo: key, ref: parsed.notice.ref } });
  onAccepted();
}

/** The whole body, or undefined past `limit` bytes (the rest is not read). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      // Past the limit the rest is read and dropped, so the 413 still reaches the sender.
      if (size > limit) resolve(undefined);
      else chunks.push(chunk);
    });
    req.on("end", () => resolve(size > limit ? undefined : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}
