import { createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { canonicalJson } from "../canonical-json.js";
import { MessageError } from "../errors.js";

/**
 * A signed message as stored in the relay: `signature` is HMAC-SHA256, in
 * hex, over the canonical JSON of every other member, with the secret both
 * agents hold. Anything that fails the check is rejected before it is parsed.
 */
export const Envelope = z.strictObject({
  id: z.string().regex(/^[0-9a-z]{18}$/),
  sentAt: z.number(),
  body: z.unknown(),
  signature: z.string().regex(/^[0-9a-f]{64}$/),
});
export type Envelope = z.infer<typeof Envelope>;

export function signEnvelope(id: string, sentAt: number, body: unknown, secret: string): Envelope {
  const signature = hmac(secret, canonicalJson({ id, sentAt, body }));
  return { id, sentAt, body, signature };
}

/**
 * Parses raw relay bytes into a verified envelope and validates the body
 * against `schema`. Throws MessageError("BadSignature" | "BadMessage").
 */
export function openEnvelope<T>(raw: Uint8Array, secret: string, schema: z.ZodType<T>): { id: string; sentAt: number; body: T } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw).toString("utf8"));
  } catch {
    throw new MessageError("BadMessage", "message is not JSON");
  }
  const envelope = Envelope.safeParse(parsed);
  if (!envelope.success) throw new MessageError("BadMessage", "message is not a signed envelope");
  const { id, sentAt, body, signature } = envelope.data;
  const expected = Buffer.from(hmac(secret, canonicalJson({ id, sentAt, body })), "hex");
  if (!timingSafeEqual(expected, Buffer.from(signature, "hex"))) {
    throw new MessageError("BadSignature", `message ${id} has a bad signature`, { id });
  }
  const checked = schema.safeParse(body);
  if (!checked.success) {
    throw new MessageError("BadMessage", `message ${id} does not follow the protocol: ${checked.error.message}`, { id });
  }
  return { id, sentAt, body: checked.data };
}

function hmac(secret: string, text: string): string {
  return createHmac("sha256", secret).update(text).digest("hex");
}
