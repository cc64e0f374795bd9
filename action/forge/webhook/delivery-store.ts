import type { Db } from "../../action-db.js";
import type { RefNotice } from "./parse-delivery.js";

/** Writes a verified delivery before it is acknowledged: a crash after the 202 loses nothing. */
export function recordDelivery(db: Db, delivery: { deliveryId: string; event: string; notice: RefNotice; repo: string; pusher: string }, now: string): void {
  db.prepare(
    "INSERT INTO forge_deliveries (delivery_id, event, repo, ref, after_id, pusher, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
  ).run(delivery.deliveryId, delivery.event, delivery.repo, delivery.notice.ref, delivery.notice.after, delivery.pusher, now);
}

/** Repositories with deliveries not yet handled whose next try is due, and the newest such delivery of each. */
export function listDueRepos(db: Db, nowMs: number): { repo: string; upTo: number; attempts: number }[] {
  return db
    .prepare(
      `SELECT repo, MAX(id) AS upTo, MAX(attempts) AS attempts FROM forge_deliveries
       WHERE handled_at IS NULL GROUP BY repo HAVING MAX(next_attempt_at) <= ? ORDER BY MIN(id)`,
    )
    .all(nowMs) as { repo: string; upTo: number; attempts: number }[];
}

export function markDeliveriesHandled(db: Db, repo: string, upTo: number, now: string): void {
  db.prepare("UPDATE forge_deliveries SET handled_at = ? WHERE repo = ? AND id <= ? AND handled_at IS NULL").run(now, repo, upTo);
}

export function markDeliveriesFailed(db: Db, repo: string, upTo: number, nextAttemptAt: number): void {
  db.prepare("UPDATE forge_deliveries SET attempts = attempts + 1, next_attempt_at = ? WHERE repo = ? AND id <= ? AND handled_at IS NULL").run(
    nextAttemptAt,
    repo,
    upTo,
  );
}

/**
 * Who pushed `commit` to `ref`, as the deliveries say: the newest delivery
 * that moved the ref there, else the newest one about the ref at all.
 */
export function pusherOf(db: Db, repo: string, ref: string, commit: string): string | undefined {
  const exact = db
    .prepare("SELECT pusher FROM forge_deliveries WHERE repo = ? AND ref = ? AND after_id = ? ORDER BY id DESC LIMIT 1")
    .get(repo, ref, commit) as { pusher: string } | undefined;
  if (exact) return exact.pusher;
  const any = db.prepare("SELECT pusher FROM forge_deliveries WHERE repo = ? AND ref = ? ORDER BY id DESC LIMIT 1").get(repo, ref) as
    | { pusher: string }
    | undefined;
  return any?.pusher;
}

export function countPendingDeliveries(db: Db): number {
  return (db.prepare("SELECT COUNT(*) AS n FROM forge_deliveries WHERE handled_at IS NULL").get() as { n: number }).n;
}
