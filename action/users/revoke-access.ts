import { AilabError } from "../../core/errors.js";
import type { Db } from "../action-db.js";
import { assertUserName, repoKey, type RepoName } from "./names.js";
import { hashToken, TOKEN_PATTERN, tokenId } from "./tokens.js";

/**
 * Revokes every token a user holds, at once: the next request with any of
 * them is 401 (revoked). The rows stay, so the refusal can say why.
 * Returns how many were still live. code "NoSuchUser".
 */
export function revokeUserTokens(db: Db, name: string, now: Date = new Date()): number {
  assertUserName(name);
  return db.transaction(() => {
    if (!db.prepare("SELECT 1 FROM users WHERE name = ?").get(name)) throw new AilabError("NoSuchUser", `there is no user ${JSON.stringify(name)}`, { name });
    return db.prepare("UPDATE tokens SET revoked_at = ? WHERE user = ? AND revoked_at IS NULL").run(now.toISOString(), name).changes;
  })();
}

/**
 * Revokes one token, named by its id (what `user list` shows, or the start
 * of it, at least 6 hex digits), by the start of the token itself
 * (`ailab_` and at least 6 hex digits: what a leak shows), or by the whole
 * token. A name that fits no token is code "NoSuchToken"; one that fits
 * several, "AmbiguousToken" (nothing is revoked). Returns the token's id and user.
 */
export function revokeToken(db: Db, name: string, now: Date = new Date()): { id: string; user: string } {
  const rows = findTokens(db, name);
  if (rows.length === 0) throw new AilabError("NoSuchToken", `no token matches ${JSON.stringify(name)}; expected a token id (see ailab-action user list) or ailab_ and its first hex digits`, { name });
  if (rows.length > 1) throw new AilabError("AmbiguousToken", `${JSON.stringify(name)} matches ${rows.length} tokens; give more of it`, { name, count: rows.length });
  const [row] = rows as [{ hash: string; user: string }];
  db.prepare("UPDATE tokens SET revoked_at = ? WHERE hash = ? AND revoked_at IS NULL").run(now.toISOString(), row.hash);
  return { id: tokenId(row.hash), user: row.user };
}

function findTokens(db: Db, name: string): { hash: string; user: string }[] {
  if (TOKEN_PATTERN.test(name)) return db.prepare("SELECT hash, user FROM tokens WHERE hash = ?").all(hashToken(name)) as { hash: string; user: string }[];
  const prefix = /^ailab_([0-9a-f]{6,8})$/.exec(name)?.[1];
  // The stored prefix is 8 digits: a shorter one matches its start.
  if (prefix) return db.prepare("SELECT hash, user FROM tokens WHERE substr(prefix, 1, ?) = ?").all(prefix.length, prefix) as { hash: string; user: string }[];
  if (/^[0-9a-f]{6,12}$/.test(name)) return db.prepare("SELECT hash, user FROM tokens WHERE substr(hash, 1, ?) = ?").all(name.length, name) as { hash: string; user: string }[];
  throw new AilabError("BadTokenName", `${JSON.stringify(name)} is neither a token id (6 to 12 hex digits) nor ailab_ and the token's first 6 to 8 hex digits`, { name });
}

/** Takes back what `grant` gave `user` on `repo`. Returns false when there was no grant. */
export function revokeGrant(db: Db, user: string, repo: RepoName): boolean {
  assertUserName(user);
  return db.prepare("DELETE FROM grants WHERE user = ? AND repo = ?").run(user, repoKey(repo)).changes > 0;
}
