import { createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import type { RemoteForgeKind } from "../forge-config.js";

/**
 * The signature headers each forge sends, most specific first. All carry the
 * same HMAC-SHA256 of the body: Gitea and Forgejo as bare hex, and (like
 * GitHub) as `sha256=<hex>` in X-Hub-Signature-256. GitHub sends only that one.
 */
const SIGNATURE_HEADERS: Record<RemoteForgeKind, readonly string[]> = {
  gitea: ["x-gitea-signature", "x-hub-signature-256"],
  forgejo: ["x-forgejo-signature", "x-gitea-signature", "x-hub-signature-256"],
  github: ["x-hub-signature-256"],
};

/**
 * True when the delivery is signed with the secret. The first signature
 * header present decides: missing, empty (a hook without a secret sends the
 * headers empty) or wrong is false. Compared in constant time over the
 * bytes as received — never over re-serialised JSON.
 */
export function hasValidSignature(kind: RemoteForgeKind, headers: IncomingHttpHeaders, signedBytes: Buffer, secret: string): boolean {
  const name = SIGNATURE_HEADERS[kind].find((h) => headers[h] !== undefined);
  if (name === undefined) return false;
  const raw = headers[name];
  const value = (Array.isArray(raw) ? raw[0] : raw)?.trim() ?? "";
  const hex = name === "x-hub-signature-256" ? (value.startsWith("sha256=") ? value.slice("sha256=".length) : "") : value;
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) return false;
  const expected = createHmac("sha256", secret).update(signedBytes).digest();
  return timingSafeEqual(Buffer.from(hex, "hex"), expected);
}
