import type { Db } from "../action-db.js";
import { diffRefs, type PushEvent } from "./diff-refs.js";

/**
 * Diffs a repository's ailab refs against the stored ref state and records
 * the result in one transaction: the ref state is replaced, each ref that
 * moved becomes a row in `pushes` (a push is a change of a ref: moving back
 * to an older commit, or re-creating a deleted branch at the same commit,
 * is a new push; a ref found where it was last seen is none), and
 * `onDeleted` runs, inside the same transaction, for each deleted branch.
 * `pusherOf` credits each moved ref. Returns the changed refs.
 */
export function recordPushes(
  db: Db,
  repo: string,
  current: ReadonlyMap<string, string>,
  pusherOf: (ref: string, commit: string) => string,
  now: string,
  onDeleted: (event: PushEvent) => void,
): PushEvent[] {
  return db.transaction(() => {
    const rows = db.prepare("SELECT ref, commit_id FROM ref_state WHERE repo = ?").all(repo) as { ref: string; commit_id: string }[];
    const stored = new Map(rows.map((r) => [r.ref, r.commit_id]));
    const events = diffRefs(repo, stored, current, pusherOf);
    const insertPush = db.prepare("INSERT INTO pushes (repo, ref, commit_id, before_id, pusher, received_at) VALUES (?, ?, ?, ?, ?, ?)");
    for (const event of events) {
      if (event.after === null) {
        db.prepare("DELETE FROM ref_state WHERE repo = ? AND ref = ?").run(repo, event.ref);
        onDeleted(event);
        continue;
      }
      db.prepare("INSERT INTO ref_state (repo, ref, commit_id) VALUES (?, ?, ?) ON CONFLICT (repo, ref) DO UPDATE SET commit_id = excluded.commit_id").run(
        repo,
        event.ref,
        event.after,
      );
      insertPush.run(repo, event.ref, event.after, event.before, event.pusher, now);
    }
    return events;
  })();
}

/** A push waiting to be turned into a task (new, or left over by a failed attempt or a crash). */
export interface PendingPush {
  id: number;
  repo: string;
  ref: string;
  commit: string;
  pusher: string;
  attempts: number;
}

/** Pushes not yet handled whose next try is due at `now` (ms). */
export function listPendingPushes(db: Db, now: number): PendingPush[] {
  return db
    .prepare(
      "SELECT id, repo, ref, commit_id AS 'commit', pusher, attempts FROM pushes WHERE handled_at IS NULL AND next_attempt_at <= ? ORDER BY id",
    )
    .all(now) as PendingPush[];
}

export function markPushHandled(db: Db, id: number, taskId: string | null, now: string): void {
  db.prepare("UPDATE pushes SET handled_at = ?, task_id = ? WHERE id = ?").run(now, taskId, id);
}

/** Counts a failed try and sets when to try again. */
export function markPushFailed(db: Db, id: number, nextAttemptAt: number): void {
  db.prepare("UPDATE pushes SET attempts = attempts + 1, next_attempt_at = ? WHERE id = ?").run(nextAttemptAt, id);
}
