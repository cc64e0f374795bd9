import type { Received } from "../../core/protocol/mailbox.js";
import type { Artifact, Completion, TaskEvent, ToAction } from "../../core/protocol/messages.js";
import { relayKeys } from "../../core/relay/layout.js";
import { nowIso, type ActionContext } from "../action-context.js";
import { applyHeartbeat, RUNNER_NAME_PATTERN } from "../runners/runner-store.js";
import { getTask, updateTaskState } from "../tasks/task-store.js";
import { isFinal, type TaskRecord } from "../tasks/task-record.js";

/**
 * Applies one message from a runner, once: the message id is recorded in
 * the same transaction as its effect. An event moves a task only when its
 * seq is newer than the last one applied; a completion ends the task, and
 * nothing changes an ended task. A heartbeat replaces what the action knows
 * of its runner and touches no task (it is idempotent by its time, so its
 * id is not kept: heartbeats are frequent). Returns true when a task changed.
 */
export function applyToAction(ctx: ActionContext, message: Received<ToAction>): boolean {
  const body = message.body;
  if (body.kind === "heartbeat") {
    if (!RUNNER_NAME_PATTERN.test(body.runner)) ctx.log.warn("heartbeat with a bad runner name ignored", { id: message.id, runner: body.runner });
    else applyHeartbeat(ctx.db, body, ctx.clock.now());
    return false;
  }
  return ctx.db.transaction(() => {
    const seen = ctx.db.prepare("INSERT OR IGNORE INTO applied_messages (id, applied_at) VALUES (?, ?)").run(message.id, nowIso(ctx));
    if (seen.changes === 0) return false;
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
    ...(completion.output ? { output: completion.output } : {}),
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
