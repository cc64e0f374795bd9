import type { Db } from "../action-db.js";
import { diffRefs, type PushEvent } from "./diff-refs.js";

/**
 * Diffs a repository's ailab refs against the stored ref state and records
 * the result in one transaction: the ref state is replaced, each new commit
 * becomes a row in `pushes` (unique on repository, ref, commit — the same
 * triple seen again is no new push), and `onDeleted` runs, inside the same
 * transaction, for each deleted branch. Returns the changed refs; `isNew`
 * says whether a moved ref's commit was a push not seen before.
 */
export function recordPushes(
  db: Db,
  repo: string,
  current: ReadonlyMap<string, string>,
  pusher: string,
  now: string,
  onDeleted: (event: PushEvent) => void,
): (PushEvent & { isNew: boolean })[] {
  return db.transaction(() => {
    const rows = db.prepare("SELECT ref, commit_id FROM ref_state WHERE repo = ?").all(repo) as { ref: string; commit_id: string }[];
    const stored = new Map(rows.map((r) => [r.ref, r.commit_id]));
    const events = diffRefs(repo, stored, current, pusher);
    const insertPush = db.prepare(
      "INSERT OR IGNORE INTO pushes (repo, ref, commit_id, before_id, pusher, received_at) VALUES (?, ?, ?, ?, ?, ?)",
    );
    const recorded = events.map((event) => {
      if (event.after === null) {
        db.prepare("DELETE FROM ref_state WHERE repo = ? AND ref = ?").run(repo, event.ref);
        onDeleted(event);
        return { ...event, isNew: false };
      }
      db.prepare("INSERT INTO ref_state (repo, ref, commit_id) VALUES (?, ?, ?) ON CONFLICT (repo, ref) DO UPDATE SET commit_id = excluded.commit_id").run(
        repo,
        event.ref,
        event.after,
      );
      const inserted = insertPush.run(repo, event.ref, event.after, event.before, pusher, now).changes > 0;
      return { ...event, isNew: inserted };
    });
    return recorded;
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
