import { createHmac } from "node:crypto";

// Both forges sign the exact body bytes with the hook's secret.

/** Lowercase hex HMAC of `body`; empty when there is no secret (Gitea sends the header empty then). */
export function hmacHex(algorithm: "sha256" | "sha1", secret: string, body: string): string {
  return secret === "" ? "" : createHmac(algorithm, secret).update(body).digest("hex");
}
