import type { Db } from "../action-db.js";

/**
 * The per-user cap on waiting tasks: those submitted or queued, not yet
 * building or running, and not being cancelled. The tasks of the branch
 * being pushed do not count when the new push supersedes them. Returns the
 * error status for the push past the cap, or undefined while under it.
 * Example: "error: 20 tasks already waiting for alice (limit 20); cancel some or wait".
 */
export function waitingCapRefusal(db: Db, user: string, limit: number, superseded?: { repo: string; branch: string }): string | undefined {
  const { waiting } = db
    .prepare(
      `SELECT COUNT(*) AS waiting FROM tasks
       WHERE user = ? AND state IN ('submitted', 'queued') AND cancel_requested = 0
         AND NOT (repo = ? AND branch = ?)`,
    )
    .get(user, superseded?.repo ?? "", superseded?.branch ?? "") as { waiting: number };
  if (waiting < limit) return undefined;
  return `error: ${waiting} tasks already waiting for ${user} (limit ${limit}); cancel some or wait`;
}
