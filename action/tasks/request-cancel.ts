import type { Cancel } from "../../core/protocol/messages.js";
import { inboxes, sealMessage } from "../../core/protocol/mailbox.js";
import { nowIso, type ActionContext } from "../action-context.js";
import { enqueueMessage } from "../relay/outbox.js";
import { markCancelRequested } from "./task-store.js";
import { isFinal, type TaskRecord } from "./task-record.js";

/**
 * Asks the runner the task was sent to (the configured runner for tasks
 * sent before routing) to cancel it: a Cancel message goes to the outbox (in
 * the caller's transaction, if any). The task's state stays as it is until
 * the runner confirms with a completion. Returns false for a task that has
 * ended already; asking twice sends one message.
 */
export function requestCancel(ctx: ActionContext, task: TaskRecord, reason: string): boolean {
  if (isFinal(task.state)) return false;
  if (task.cancelRequested) return true;
  const body: Cancel = { kind: "cancel", taskId: task.id, reason };
  const runner = task.runner ?? ctx.config.runnerName;
  ctx.db.transaction(() => {
    enqueueMessage(ctx.db, sealMessage(inboxes.runner(runner), body, ctx.config.secret, ctx.clock.now()), nowIso(ctx));
    markCancelRequested(ctx.db, task.id);
  })();
  ctx.log.info("cancel requested", { task: task.id, runner, reason });
  ctx.wake();
  return true;
}
