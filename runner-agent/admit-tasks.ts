import { decideNext, type WaitingTask } from "./fair-share.js";
import { allocateGpus } from "./gpu-allocation.js";
import type { RunnerContext } from "./runner-context.js";
import { tasksIn, updateTask, type TaskRow } from "./task-rows.js";
import { userUsage } from "./user-accounting.js";

/**
 * Moves queued tasks on, once per cycle. Fair share decides the order (see
 * `decideNext`): the user who has used least lately goes first, a user at
 * their limit waits (and the task's status says why), a user over their
 * GPU-hour budget has the task fail. The local executor takes at most
 * `maxJobs` at once and hands out GPUs: the next task that cannot get its
 * GPUs holds the head of the line, and nobody overtakes it. A task this
 * machine could never give enough GPUs ends with an error at once. Slurm
 * queues jobs itself, so it gets every task the limits allow.
 *
 * `notes` remembers the "waiting for …" line last sent for each queued
 * task, so that a note is sent once, and "queued" again when it no longer holds.
 */
export function admitTasks(ctx: RunnerContext, notes: Map<string, string>): void {
  const local = ctx.scheduler.kind === "local";
  const active = tasksIn(ctx.db, "building", "running");
  const busy = new Set(active.flatMap((t) => t.gpuIds));
  const waiting = new Map<string, TaskRow>();
  for (const task of tasksIn(ctx.db, "queued")) {
    const never = local ? allocateGpus(task.submit.task.resources.gpus, task.submit.task.resources.gpuType, ctx.gpus, new Set()) : { give: [] };
    if ("error" in never) end(ctx, task, "error", never.error);
    else waiting.set(task.id, task);
  }
  if (waiting.size === 0) return notes.clear();

  const limits = ctx.config.fairShare;
  const slots = local ? Math.max(0, ctx.config.scheduler.maxJobs - active.length) : Number.POSITIVE_INFINITY;
  const decisions = decideNext([...waiting.values()].map(waitingTask), userUsage(ctx.db, ctx.clock.now(), limits.periodHours), limits, slots);
  const held = new Map<string, string>();
  let headWaitsForGpus = false;
  for (const decision of decisions) {
    const task = waiting.get(decision.taskId)!;
    if (decision.action === "reject") {
      end(ctx, task, "failure", decision.reason);
      waiting.delete(task.id);
    } else if (decision.action === "hold") {
      held.set(task.id, decision.reason);
    } else if (!headWaitsForGpus) {
      const gpus = local ? allocateGpus(task.submit.task.resources.gpus, task.submit.task.resources.gpuType, ctx.gpus, busy) : { give: [] };
      if (!("give" in gpus)) {
        headWaitsForGpus = true;
        continue;
      }
      ctx.db.transaction(() => {
        updateTask(ctx.db, task.id, { state: "building", gpuIds: gpus.give });
        ctx.outbox.event(task.id, "building", ctx.envs.isCached(task.submit.env) ? "using cached environment" : "building environment");
      })();
      for (const id of gpus.give) busy.add(id);
      waiting.delete(task.id);
    }
  }
  sayWhyTheyWait(ctx, waiting, held, notes);
}

/** Sends a queued task's "waiting for …" line when it changes; "queued" when it no longer applies. */
function sayWhyTheyWait(ctx: RunnerContext, waiting: ReadonlyMap<string, TaskRow>, held: ReadonlyMap<string, string>, notes: Map<string, string>): void {
  for (const id of notes.keys()) if (!waiting.has(id)) notes.delete(id);
  for (const id of waiting.keys()) {
    const reason = held.get(id);
    if (reason === notes.get(id)) continue;
    ctx.outbox.event(id, "queued", reason === undefined ? "queued" : `queued · ${reason}`);
    if (reason === undefined) notes.delete(id);
    else notes.set(id, reason);
  }
}

function waitingTask(task: TaskRow): WaitingTask {
  return { taskId: task.id, user: task.submit.user, gpus: task.submit.task.resources.gpus, queuedAt: task.receivedAt };
}

function end(ctx: RunnerContext, task: TaskRow, outcome: "error" | "failure", description: string): void {
  updateTask(ctx.db, task.id, { state: "collecting", outcome, outcomeDescription: description, endedAt: ctx.clock.now() });
  ctx.log.info("task ends before it runs", { task: task.id, user: task.submit.user, outcome, description });
}
