import type { Db } from "../core/db/open-database.js";
import type { Logger } from "../core/logger.js";
import type { Cancel, Submit, ToRunner } from "../core/protocol/messages.js";
import type { Received } from "../core/protocol/mailbox.js";
import type { Outbox } from "./outbox.js";
import { getTask, insertTask, updateTask } from "./task-rows.js";

/**
 * Applies one message from the runner's inbox, in one transaction with the
 * record that it was applied: the same message twice, or a second submit of
 * a task, changes nothing. A cancel may arrive before its submit; it leaves
 * a tombstone so that the late submit is answered "cancelled" and never runs.
 * Effects outside the database (stopping a build or a job) are left to the
 * runner's loop, which acts on `cancel_requested`.
 */
export function applyMessage(db: Db, outbox: Outbox, message: Received<ToRunner>, now: number, log: Logger): void {
  db.transaction(() => {
    const fresh = db.prepare("INSERT OR IGNORE INTO applied_messages (id, applied_at) VALUES (?, ?)").run(message.id, now);
    if (fresh.changes === 0) return log.debug("message already applied", { id: message.id });
    if (message.body.kind === "submit") applySubmit(db, outbox, message.body, now, log);
    else applyCancel(db, message.body, now, log);
  })();
}

function applySubmit(db: Db, outbox: Outbox, submit: Submit, now: number, log: Logger): void {
  if (getTask(db, submit.taskId)) return log.info("task already received", { task: submit.taskId });
  const tombstone = db.prepare("SELECT reason FROM tombstones WHERE task_id = ?").get(submit.taskId) as { reason: string } | undefined;
  if (tombstone) {
    // Cancelled before it arrived: goes straight to collecting, which sends the completion.
    insertTask(db, submit, "collecting", now, { state: "cancelled", description: cancelledText(tombstone.reason) });
    return log.info("task was cancelled before it arrived", { task: submit.taskId });
  }
  insertTask(db, submit, "queued", now);
  outbox.event(submit.taskId, "queued", "queued");
  log.info("task queued", { task: submit.taskId, user: submit.user, repo: submit.repo });
}

function applyCancel(db: Db, cancel: Cancel, now: number, log: Logger): void {
  const task = getTask(db, cancel.taskId);
  if (!task) {
    db.prepare("INSERT OR IGNORE INTO tombstones (task_id, reason, created) VALUES (?, ?, ?)").run(cancel.taskId, cancel.reason, now);
    return log.info("cancel for a task not received yet", { task: cancel.taskId });
  }
  if (task.state === "queued") {
    updateTask(db, task.id, { state: "collecting", cancelRequested: true, cancelReason: cancel.reason, outcome: "cancelled", outcomeDescription: cancelledText(cancel.reason), endedAt: now });
  } else if (task.state === "building" || task.state === "running") {
    updateTask(db, task.id, { cancelRequested: true, cancelReason: cancel.reason });
  } else {
    return log.info("cancel for a task that has ended", { task: task.id, state: task.state });
  }
  log.info("cancel requested", { task: task.id, state: task.state });
}

/** The description of a cancelled task. */
export function cancelledText(reason: string): string {
  return reason ? `cancelled: ${reason}` : "cancelled";
}
