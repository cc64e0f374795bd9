import { reservedGpuHours } from "../core/task/task-reservation.js";
import { decideNext, type Capacity, type WaitingTask } from "./fair-share.js";
import { allocateGpus } from "./gpu-allocation.js";
import type { RunnerContext } from "./runner-context.js";
import { tasksIn, updateTask, type TaskRow } from "./task-rows.js";
import { userUsage } from "./user-accounting.js";

/**
 * Releases queued tasks, once per cycle. Fair share decides the order (see
 * `decideNext`): the user with the fewest jobs released now and started
 * lately goes first, a user at their limit or whose reservation does not fit
 * their budget yet waits (and the task's status says why), a task that can
 * never fit its user's budget fails. Nothing is released beyond capacity:
 * `maxJobs` at once, and with Slurm the GPUs and CPUs of its partitions, so
 * that the runner's queue, not Slurm's first-come order, decides who goes
 * next. The local executor hands out GPUs: the next task that cannot get
 * its GPUs holds the head of the line, and nobody overtakes it. A task this
 * machine could never give enough GPUs ends with an error at once (Slurm
 * judges such a task itself, see Capacity).
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
  const decisions = decideNext([...waiting.values()].map(waitingTask), userUsage(ctx.db, ctx.clock.now(), limits.periodHours), limits, freeCapacity(ctx, active));
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

/** What may still be released this cycle: jobs under `maxJobs`, GPUs and CPUs the released tasks leave of the cluster's. */
function freeCapacity(ctx: RunnerContext, active: readonly TaskRow[]): Capacity {
  const sum = (pick: (t: TaskRow) => number) => active.reduce((total, t) => total + pick(t), 0);
  return {
    jobs: Math.max(0, ctx.config.scheduler.maxJobs - active.length),
    gpus: Math.max(0, ctx.capacity.gpus - sum((t) => t.submit.task.resources.gpus)),
    cpus: Math.max(0, ctx.capacity.cpus - sum((t) => t.submit.task.resources.cpus)),
    total: ctx.capacity,
  };
}

function waitingTask(task: TaskRow): WaitingTask {
  const { resources } = task.submit.task;
  return { taskId: task.id, user: task.submit.user, gpus: resources.gpus, cpus: resources.cpus, reservedGpuHours: reservedGpuHours(task.submit.task), queuedAt: task.receivedAt };
}

function end(ctx: RunnerContext, task: TaskRow, outcome: "error" | "failure", description: string): void {
  updateTask(ctx.db, task.id, { state: "collecting", outcome, outcomeDescription: description, endedAt: ctx.clock.now() });
  ctx.log.info("task ends before it runs", { task: task.id, user: task.submit.user, outcome, description });
}
