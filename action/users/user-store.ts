import { AilabError } from "../../core/errors.js";
import type { Db } from "../action-db.js";
import { assertUserName, repoKey, type RepoName } from "./names.js";
import { hashToken, newToken, TOKEN_PATTERN, tokenPrefix } from "./tokens.js";

export interface User {
  name: string;
  admin: boolean;
}

/** When a new token stops working; none: it works until revoked. */
export interface TokenOptions {
  expiresAt?: Date;
}

/** Creates a user and returns their first token (shown once; only its hash is stored). code "UserExists". */
export function addUser(db: Db, name: string, options: { admin?: boolean; now?: Date } & TokenOptions = {}): string {
  assertUserName(name);
  const now = (options.now ?? new Date()).toISOString();
  return db.transaction(() => {
    const exists = db.prepare("SELECT 1 FROM users WHERE name = ?").get(name);
    if (exists) throw new AilabError("UserExists", `user ${JSON.stringify(name)} exists already`, { name });
    db.prepare("INSERT INTO users (name, admin, created_at) VALUES (?, ?, ?)").run(name, options.admin ? 1 : 0, now);
    return insertToken(db, name, now, options);
  })();
}

/** Issues another token for an existing user (the old ones stay valid). code "NoSuchUser". */
export function issueToken(db: Db, name: string, now: Date = new Date(), options: TokenOptions = {}): string {
  return db.transaction(() => {
    requireUser(db, name);
    return insertToken(db, name, now.toISOString(), options);
  })();
}

/** What a token is worth: its user, or why it is refused (an expired or revoked token says so in the 401). */
export type TokenCheck = { user: User } | { refused: "unknown" } | { refused: "expired" | "revoked"; since: string };

/**
 * Checks a token and, for a good one, records its use (to the minute, so
 * that a busy client does not write on every request).
 */
export function checkToken(db: Db, token: string, now: Date = new Date()): TokenCheck {
  if (!TOKEN_PATTERN.test(token)) return { refused: "unknown" };
  const hash = hashToken(token);
  const row = db
    .prepare(
      "SELECT u.name AS name, u.admin AS admin, t.expires_at AS expiresAt, t.revoked_at AS revokedAt FROM tokens t JOIN users u ON u.name = t.user WHERE t.hash = ?",
    )
    .get(hash) as { name: string; admin: number; expiresAt: string | null; revokedAt: string | null } | undefined;
  if (!row) return { refused: "unknown" };
  if (row.revokedAt !== null) return { refused: "revoked", since: row.revokedAt };
  const at = now.toISOString();
  if (row.expiresAt !== null && row.expiresAt <= at) return { refused: "expired", since: row.expiresAt };
  const minute = at.slice(0, 16);
  db.prepare("UPDATE tokens SET last_used_at = ? WHERE hash = ? AND (last_used_at IS NULL OR substr(last_used_at, 1, 16) < ?)").run(at, hash, minute);
  return { user: { name: row.name, admin: row.admin === 1 } };
}

/** The user a token belongs to, or undefined for an unknown, malformed, expired or revoked token. */
export function findUserByToken(db: Db, token: string, now: Date = new Date()): User | undefined {
  const check = checkToken(db, token, now);
  return "user" in check ? check.user : undefined;
}

/** The 401 text for a refused token: an expired or revoked one says so, and since when. */
export function describeRefusal(check: Exclude<TokenCheck, { user: User }>): string {
  if (check.refused === "expired") return `the token expired at ${check.since}; ask an admin for a new one (ailab-action user token NAME)`;
  if (check.refused === "revoked") return `the token was revoked at ${check.since}`;
  return "a valid token is required (Authorization: Bearer <token>)";
}

export function findUser(db: Db, name: string): User | undefined {
  const row = db.prepare("SELECT name, admin FROM users WHERE name = ?").get(name) as { name: string; admin: number } | undefined;
  return row && { name: row.name, admin: row.admin === 1 };
}

/** Lets `user` read (and with `write`, push to) `repo`. Granting again replaces the write flag. */
export function grantAccess(db: Db, user: string, repo: RepoName, write: boolean): void {
  requireUser(db, user);
  db.prepare("INSERT INTO grants (user, repo, write) VALUES (?, ?, ?) ON CONFLICT (user, repo) DO UPDATE SET write = excluded.write").run(
    user,
    repoKey(repo),
    write ? 1 : 0,
  );
}

/** The grant `user` holds on `repo`: undefined (none), "read" or "write". */
export function findGrant(db: Db, user: string, repo: string): "read" | "write" | undefined {
  const row = db.prepare("SELECT write FROM grants WHERE user = ? AND repo = ?").get(user, repo) as { write: number } | undefined;
  if (!row) return undefined;
  return row.write === 1 ? "write" : "read";
}

function requireUser(db: Db, name: string): void {
  assertUserName(name);
  if (!findUser(db, name)) throw new AilabError("NoSuchUser", `there is no user ${JSON.stringify(name)}`, { name });
}

function insertToken(db: Db, name: string, now: string, options: TokenOptions): string {
  const token = newToken();
  const hash = hashToken(token);
  db.prepare("INSERT INTO tokens (hash, user, created_at, expires_at, prefix) VALUES (?, ?, ?, ?, ?)").run(
    hash,
    name,
    now,
    options.expiresAt?.toISOString() ?? null,
    tokenPrefix(token),
  );
  return token;
}
