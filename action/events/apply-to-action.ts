import type { Received } from "../../core/protocol/mailbox.js";
import type { Artifact, Completion, TaskEvent, ToAction } from "../../core/protocol/messages.js";
import { relayKeys } from "../../core/relay/layout.js";
import { nowIso, type ActionContext } from "../action-context.js";
import { getTask, updateTaskState } from "../tasks/task-store.js";
import { isFinal, type TaskRecord } from "../tasks/task-record.js";

/**
 * Applies one message from the runner, once: the message id is recorded in
 * the same transaction as its effect. An event moves a task only when its
 * seq is newer than the last one applied; a completion ends the task, and
 * nothing changes an ended task. Returns true when the task changed.
 */
export function applyToAction(ctx: ActionContext, message: Received<ToAction>): boolean {
  return ctx.db.transaction(() => {
    const seen = ctx.db.prepare("INSERT OR IGNORE INTO applied_messages (id, applied_at) VALUES (?, ?)").run(message.id, nowIso(ctx));
    if (seen.changes === 0) return false;
    const body = message.body;
    const task = getTask(ctx.db, body.taskId);
    if (!task) {
      ctx.log.warn("message for an unknown task", { id: message.id, task: body.taskId });
      return false;
    }
    if (isFinal(task.state)) return false;
    return body.kind === "event" ? applyEvent(ctx, task, body) : applyCompletion(ctx, task, body);
  })();
}

function applyEvent(ctx: ActionContext, task: TaskRecord, event: TaskEvent): boolean {
  if (event.seq <= task.lastSeq) return false;
  updateTaskState(ctx.db, task.id, { state: event.state, description: event.description, seq: event.seq, now: nowIso(ctx) });
  return true;
}

function applyCompletion(ctx: ActionContext, task: TaskRecord, completion: Completion): boolean {
  const description =
    completion.state === "cancelled" && !/cancel/i.test(completion.description)
      ? `cancelled${completion.description ? `: ${completion.description}` : ""}`
      : completion.description;
  updateTaskState(ctx.db, task.id, {
    state: completion.state,
    description,
    exitCode: completion.exitCode,
    artifacts: ownArtifacts(ctx, task.id, completion.artifacts),
    now: nowIso(ctx),
  });
  return true;
}

/** Only artifacts under the task's own `results/<task id>/` are served; anything else is dropped. */
function ownArtifacts(ctx: ActionContext, taskId: string, artifacts: Artifact[]): Artifact[] {
  const prefix = relayKeys.resultPrefix(taskId);
  return artifacts.filter((a) => {
    const ok = a.key.startsWith(prefix) && !a.key.slice(prefix.length).split("/").includes("..");
    if (!ok) ctx.log.warn("artifact outside the task's results ignored", { task: taskId, key: a.key });
    return ok;
  });
}
