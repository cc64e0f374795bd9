import { createHmac } from "node:crypto";
import { canonicalJson } from "../../core/canonical-json.js";
import { sortableId } from "../../core/ids.js";
import type { OutgoingMessage } from "../../core/protocol/mailbox.js";

/**
 * A message as a later version of ailab might write it: any `protocol`
 * number and envelope members this version does not know, signed the way
 * this version signs (HMAC over the canonical JSON of every member but the
 * signature), so that only what is new about it is new.
 */
export function sealFutureMessage(
  inbox: string,
  body: unknown,
  secret: string,
  options: { protocol: number; members?: Record<string, unknown>; now?: number },
): OutgoingMessage {
  const sentAt = options.now ?? Date.now();
  const id = sortableId(sentAt);
  const signed = { ...options.members, protocol: options.protocol, id, sentAt, body };
  const signature = createHmac("sha256", secret).update(canonicalJson(signed)).digest("hex");
  return { key: `${inbox}${id}.json`, bytes: Buffer.from(JSON.stringify({ ...signed, signature })) };
}
