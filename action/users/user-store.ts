import { AilabError } from "../../core/errors.js";
import type { Db } from "../action-db.js";
import { assertUserName, repoKey, type RepoName } from "./names.js";
import { hashToken, newToken, TOKEN_PATTERN } from "./tokens.js";

export interface User {
  name: string;
  admin: boolean;
}

/** Creates a user and returns their first token (shown once; only its hash is stored). code "UserExists". */
export function addUser(db: Db, name: string, options: { admin?: boolean; now?: Date } = {}): string {
  assertUserName(name);
  const now = (options.now ?? new Date()).toISOString();
  return db.transaction(() => {
    const exists = db.prepare("SELECT 1 FROM users WHERE name = ?").get(name);
    if (exists) throw new AilabError("UserExists", `user ${JSON.stringify(name)} exists already`, { name });
    db.prepare("INSERT INTO users (name, admin, created_at) VALUES (?, ?, ?)").run(name, options.admin ? 1 : 0, now);
    return insertToken(db, name, now);
  })();
}

/** Issues another token for an existing user (the old ones stay valid). code "NoSuchUser". */
export function issueToken(db: Db, name: string, now: Date = new Date()): string {
  return db.transaction(() => {
    requireUser(db, name);
    return insertToken(db, name, now.toISOString());
  })();
}

/** The user a token belongs to, or undefined for an unknown or malformed token. */
export function findUserByToken(db: Db, token: string): User | undefined {
  if (!TOKEN_PATTERN.test(token)) return undefined;
  const row = db
    .prepare("SELECT u.name AS name, u.admin AS admin FROM tokens t JOIN users u ON u.name = t.user WHERE t.hash = ?")
    .get(hashToken(token)) as { name: string; admin: number } | undefined;
  return row && { name: row.name, admin: row.admin === 1 };
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

function insertToken(db: Db, name: string, now: string): string {
  const token = newToken();
  db.prepare("INSERT INTO tokens (hash, user, created_at) VALUES (?, ?, ?)").run(hashToken(token), name, now);
  return token;
}
