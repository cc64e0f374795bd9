import { randomBytes } from "node:crypto";
import { sha256 } from "../../core/hash.js";

/** Tokens look like `ailab_` + 40 hex digits, so a leaked one is easy to grep for. */
export const TOKEN_PATTERN = /^ailab_[0-9a-f]{40}$/;

/** A fresh random token; show it once, store only `hashToken(token)`. */
export function newToken(): string {
  return `ailab_${randomBytes(20).toString("hex")}`;
}

/** What the database keeps instead of the token. */
export function hashToken(token: string): string {
  return sha256(token);
}
