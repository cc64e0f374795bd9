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

/**
 * A token's public name: the first 12 hex digits of its hash. Safe to show
 * and log (it cannot be turned back into the token); `token revoke` takes it.
 */
export function tokenId(hash: string): string {
  return hash.slice(0, 12);
}

/** The first 8 hex digits after `ailab_`: enough to find a leaked token among a user's, too few to guess the rest. */
export function tokenPrefix(token: string): string {
  return token.slice("ailab_".length, "ailab_".length + 8);
}
