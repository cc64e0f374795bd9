import type { TaskState } from "../../core/api/types.js";
import type { Db } from "../action-db.js";
import { isFinal } from "../tasks/task-record.js";

/**
 * A progress-only change (same state, new description, e.g. the epoch
 * line) goes out at most this often: each status is a row and a webhook on
 * the forge. State changes are never held back.
 */
export const PROGRESS_INTERVAL_MS = 10_000;

export interface ForgeUpdate {
  id: number;
  taskId: string;
  kind: "status" | "release";
  taskState: TaskState;
  description: string;
  notBefore: number;
  attempts: number;
}

/**
 * Records what the forge must be told about a task, in the same transaction
 * as the state change (the caller's): every change of state is its own row,
 * sent in order; a progress update replaces one not yet sent; an ended task
 * also gets its release, unless `release` is false (a push refused at the
 * door is only a status). Nothing is lost when the forge is down: the rows
 * wait (see syncForge).
 */
export function enqueueForgeUpdate(db: Db, taskId: string, state: TaskState, description: string, nowMs: number, release = true): void {
  const last = db
    .prepare("SELECT id, task_state, description, created_ms, sent_ms FROM forge_outbox WHERE task_id = ? AND kind = 'status' ORDER BY id DESC LIMIT 1")
    .get(taskId) as { id: number; task_state: string; description: string; created_ms: number; sent_ms: number | null } | undefined;
  if (last && last.task_state === state && last.description === description) return;
  if (last && last.task_state === state && !isFinal(state)) {
    if (last.sent_ms === null) {
      db.prepare("UPDATE forge_outbox SET description = ? WHERE id = ?").run(description, last.id);
      return;
    }
    insert(db, taskId, "status", state, description, nowMs, Math.max(nowMs, last.sent_ms + PROGRESS_INTERVAL_MS));
    return;
  }
  // A change of state goes at once, so a progress update held back before it is released too (order is kept).
  db.prepare("UPDATE forge_outbox SET not_before = 0 WHERE task_id = ? AND sent_ms IS NULL").run(taskId);
  insert(db, taskId, "status", state, description, nowMs, 0);
  if (isFinal(state) && release) insert(db, taskId, "release", state, description, nowMs, 0);
}

function insert(db: Db, taskId: string, kind: string, state: string, description: string, nowMs: number, notBefore: number): void {
  db.prepare("INSERT INTO forge_outbox (task_id, kind, task_state, description, created_ms, not_before) VALUES (?, ?, ?, ?, ?, ?)").run(
    taskId,
    kind,
    state,
    description,
    nowMs,
    notBefore,
  );
}

/** Every update not yet sent, oldest first. */
export function listUnsentUpdates(db: Db): ForgeUpdate[] {
  return db
    .prepare(
      `SELECT id, task_id AS taskId, kind, task_state AS taskState, description, not_before AS notBefore, attempts
       FROM forge_outbox WHERE sent_ms IS NULL ORDER BY id`,
    )
    .all() as ForgeUpdate[];
}

export function markUpdateSent(db: Db, id: number, nowMs: number): void {
  db.prepare("UPDATE forge_outbox SET sent_ms = ? WHERE id = ?").run(nowMs, id);
}

/** A failed try: counted, and the next one waits (doubling from 1 s to a minute; a change of state resets it). */
export function markUpdateFailed(db: Db, update: ForgeUpdate, nowMs: number): void {
  const pause = Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** Math.min(update.attempts, 16));
  db.prepare("UPDATE forge_outbox SET attempts = attempts + 1, not_before = ? WHERE id = ?").run(nowMs + pause, update.id);
}

const RETRY_BASE_MS = 1000;
const RETRY_CAP_MS = 60_000;

/** How many updates wait for the forge (for logs and, later, metrics). */
export function countUnsentUpdates(db: Db): number {
  return (db.prepare("SELECT COUNT(*) AS n FROM forge_outbox WHERE sent_ms IS NULL").get() as { n: number }).n;
}
