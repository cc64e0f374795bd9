import type { Db } from "../action-db.js";

/** One line of `ailab-action user list`. */
export interface UserSummary {
  name: string;
  admin: boolean;
  createdAt: string;
  /** Tokens that work now: neither revoked nor expired. */
  liveTokens: number;
  /** Every token ever issued, revoked and expired ones included. */
  allTokens: number;
  /** The latest use of any of their tokens (to the minute); null: never. */
  lastUsedAt: string | null;
}

/** Every user, by name, with what their tokens look like at `now`. */
export function listUsers(db: Db, now: Date = new Date()): UserSummary[] {
  const rows = db
    .prepare(
      `SELECT u.name AS name, u.admin AS admin, u.created_at AS createdAt,
              COUNT(t.hash) AS allTokens,
              COALESCE(SUM(t.hash IS NOT NULL AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > ?)), 0) AS liveTokens,
              MAX(t.last_used_at) AS lastUsedAt
       FROM users u LEFT JOIN tokens t ON t.user = u.name
       GROUP BY u.name ORDER BY u.name`,
    )
    .all(now.toISOString()) as { name: string; admin: number; createdAt: string; allTokens: number; liveTokens: number; lastUsedAt: string | null }[];
  return rows.map((r) => ({ ...r, admin: r.admin === 1 }));
}
