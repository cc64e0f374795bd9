import { createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { canonicalJson } from "../canonical-json.js";
import { MessageError } from "../errors.js";

/**
 * The version of the relay protocol this code speaks. Messages written
 * before envelopes carried a version count as version 1. Adding a field is
 * not a new version (receivers accept fields they do not know); a change
 * that an older receiver would misread is, and such a receiver leaves the
 * message in its inbox for a newer one instead of deleting it.
 */
export const PROTOCOL_VERSION = 2;

/**
 * A signed message as stored in the relay: `signature` is HMAC-SHA256, in
 * hex, over the canonical JSON of every other member, with the secret both
 * agents hold. Members a newer version adds are kept (`loose`), so that they
 * count in the signature like the others. Anything that fails the check is
 * rejected before the body is parsed.
 */
export const Envelope = z.looseObject({
  id: z.string().regex(/^[0-9a-z]{18}$/),
  sentAt: z.number(),
  protocol: z.number().int().min(1).optional(),
  body: z.unknown(),
  signature: z.string().regex(/^[0-9a-f]{64}$/),
});
export type Envelope = z.infer<typeof Envelope>;

export interface OpenedEnvelope<T> {
  id: string;
  sentAt: number;
  protocol: number;
  body: T;
}

export function signEnvelope(id: string, sentAt: number, body: unknown, secret: string): Envelope {
  const signature = hmac(secret, canonicalJson({ protocol: PROTOCOL_VERSION, id, sentAt, body }));
  return { protocol: PROTOCOL_VERSION, id, sentAt, body, signature };
}

/**
 * Parses raw relay bytes into a verified envelope and validates the body
 * against `schema` (which should strip or keep unknown fields, never refuse
 * them). Throws MessageError: "BadSignature" | "BadMessage" for what can
 * never become readable, "NewerProtocol" for a message of a newer protocol
 * version that this code cannot read or verify: not garbage, only too new.
 */
export function openEnvelope<T>(raw: Uint8Array, secret: string, schema: z.ZodType<T>): OpenedEnvelope<T> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw).toString("utf8"));
  } catch {
    throw new MessageError("BadMessage", "message is not JSON");
  }
  const envelope = Envelope.safeParse(parsed);
  if (!envelope.success) throw new MessageError("BadMessage", "message is not a signed envelope");
  const { signature, ...signed } = envelope.data;
  const { id, sentAt, body } = signed;
  const protocol = signed.protocol ?? 1;
  const newer = protocol > PROTOCOL_VERSION;
  const expected = Buffer.from(hmac(secret, canonicalJson(signed)), "hex");
  if (!timingSafeEqual(expected, Buffer.from(signature, "hex"))) {
    // A newer version may sign differently: only the older ones are known to be forged.
    if (newer) throw newerProtocol(id, protocol, "its signature cannot be checked");
    throw new MessageError("BadSignature", `message ${id} has a bad signature`, { id });
  }
  const checked = schema.safeParse(body);
  if (!checked.success) {
    if (newer) throw newerProtocol(id, protocol, checked.error.message);
    throw new MessageError("BadMessage", `message ${id} does not follow the protocol: ${checked.error.message}`, { id });
  }
  return { id, sentAt, protocol, body: checked.data };
}

function newerProtocol(id: string, protocol: number, why: string): MessageError {
  return new MessageError(
    "NewerProtocol",
    `message ${id} is of protocol version ${protocol}, newer than this agent's ${PROTOCOL_VERSION}, and cannot be read (${why}); it is left for an upgraded agent`,
    { id, protocol, supported: PROTOCOL_VERSION },
  );
}

function hmac(secret: string, text: string): string {
  return createHmac("sha256", secret).update(text).digest("hex");
}
