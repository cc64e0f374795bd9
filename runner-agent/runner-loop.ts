import { AilabError } from "../core/errors.js";
import { drainInbox, InboxMemory, inboxes } from "../core/protocol/mailbox.js";
import { ToRunner } from "../core/protocol/messages.js";
import { applyMessage, cancelledText } from "./apply-message.js";
import { admitTasks } from "./admit-tasks.js";
import { FAIR_SHARE_SETTING, pruneHistory, writeSetting } from "./runner-db.js";
import { sendHeartbeat } from "./send-heartbeat.js";
import { trySlurmCapacity } from "./slurm/slurm-capacity.js";
import { cancelJob } from "./cancel-job.js";
import { finishTask } from "./finish-task.js";
import { prepareJob } from "./prepare-job.js";
import type { RunnerContext } from "./runner-context.js";
import { tasksIn, updateTask, type TaskRow } from "./task-rows.js";
import { watchJobs } from "./watch-jobs.js";

/**
 * The runner's cycle, run until `stop`: read the inbox (one LIST), act on
 * cancels, admit queued tasks (fair share; at most `maxJobs` at once locally),
 * poll every running job at once, collect the ended ones, send the outbox,
 * and now and then a heartbeat.
 * Builds, cancels and collections run in the background so that one slow
 * step holds up no other task; each is started from what the database says,
 * which is why a restart needs no special case: a `building` task with no
 * build in flight is built (again), a `collecting` one is collected (again).
 */
export class RunnerLoop {
  private readonly inFlight = new Map<string, { kind: "build" | "cancel" | "collect"; controller: AbortController }>();
  private readonly settled = new Set<Promise<void>>();
  /** Steps that failed wait before they are tried again: 1 s, 2 s, 4 s … up to a minute. */
  private readonly retries = new Map<string, { failures: number; at: number }>();
  private readonly stopping = new AbortController();
  private wake = new AbortController();
  private delay: number;
  private lastHeartbeat = Number.NEGATIVE_INFINITY;
  /** The "waiting for …" line last sent for each queued task. */
  private readonly queueNotes = new Map<string, string>();
  /** What the inbox reader keeps between cycles: messages of a newer protocol, failed applies (see drainInbox). */
  private readonly inbox = new InboxMemory();

  constructor(private readonly ctx: RunnerContext) {
    this.delay = ctx.config.pollMinMs;
    // What `ailab-runner accounting` shows as the limits: those this loop applies.
    writeSetting(ctx.db, FAIR_SHARE_SETTING, ctx.config.fairShare);
  }

  /** Cycles until `stop()`; a failed cycle is a warning. */
  async run(): Promise<void> {
    const { clock, config, log } = this.ctx;
    while (!this.stopping.signal.aborted) {
      let busy = true;
      try {
        busy = await this.cycle();
      } catch (e) {
        log.warn("runner cycle failed; will retry", { error: e });
      }
      this.delay = busy ? config.pollMinMs : Math.min(this.delay * 2, config.pollMaxMs);
      if (this.stopping.signal.aborted) break;
      await clock.sleep(this.delay, this.wake.signal);
      this.wake = new AbortController();
    }
    for (const { kind, controller } of this.inFlight.values()) if (kind === "build") controller.abort();
    await Promise.allSettled([...this.settled]);
  }

  /** Ends the loop after the current step; builds are stopped (redone at the next start), jobs keep running. */
  stop(): void {
    this.stopping.abort();
    this.wake.abort();
  }

  /** One cycle; true while anything is in flight (poll fast), false when idle (back off). */
  async cycle(): Promise<boolean> {
    const { ctx } = this;
    // What needs no relay comes first: cancels already received and time
    // limits are enforced even while the relay hangs (each relay call then
    // takes its whole timeout before the cycle goes on).
    this.actOnCancels();
    await watchJobs(ctx, tasksIn(ctx.db, "running").filter((t) => !t.cancelRequested));
    try {
      await drainInbox(ctx.relay, inboxes.runner(ctx.config.name), ctx.config.secret, ToRunner, (m) => applyMessage(ctx.db, ctx.outbox, m, ctx.clock.now(), ctx.log), ctx.log, this.inbox);
    } catch (e) {
      ctx.log.warn("reading the inbox failed; will retry", { error: e });
    }
    this.actOnCancels();
    this.admit();
    for (const task of tasksIn(ctx.db, "building")) {
      if (!task.cancelRequested) this.background(task, "build", (signal) => prepareJob(ctx, task, signal));
    }
    for (const task of tasksIn(ctx.db, "collecting")) this.background(task, "collect", () => finishTask(ctx, task));
    await ctx.outbox.flush(ctx.relay, ctx.log);
    await this.heartbeat();
    return tasksIn(ctx.db, "queued", "building", "running", "collecting").length > 0 || ctx.outbox.pending() > 0;
  }

  private async heartbeat(): Promise<void> {
    const now = this.ctx.clock.now();
    if (now - this.lastHeartbeat < this.ctx.config.heartbeatMs) return;
    this.lastHeartbeat = now;
    pruneHistory(this.ctx.db, now);
    try {
      const partitions = this.ctx.partitions?.names;
      if (partitions) this.ctx.capacity = (await trySlurmCapacity(partitions, this.ctx.run, this.ctx.config.baseEnv, this.ctx.log)) ?? this.ctx.capacity;
      await sendHeartbeat(this.ctx);
    } catch (e) {
      this.ctx.log.warn("heartbeat failed; will send the next", { error: e });
    }
  }

  private actOnCancels(): void {
    const { ctx } = this;
    for (const task of tasksIn(ctx.db, "building", "running").filter((t) => t.cancelRequested)) {
      const current = this.inFlight.get(task.id);
      if (task.state === "building") {
        // Stop the build; once it has let go (now, or next cycle), the task ends cancelled.
        if (current) current.controller.abort();
        else updateTask(ctx.db, task.id, { state: "collecting", outcome: "cancelled", outcomeDescription: cancelText(task), endedAt: ctx.clock.now() });
      } else {
        this.background(task, "cancel", () => cancelJob(ctx, task, cancelText(task)));
      }
    }
  }

  /** Queued tasks go on in fair-share order while there is room (see admitTasks). */
  private admit(): void {
    admitTasks(this.ctx, this.queueNotes);
  }

  /** Runs `step` for `task` unless a step of the task is in flight already; wakes the loop when it ends. */
  private background(task: TaskRow, kind: "build" | "cancel" | "collect", step: (signal: AbortSignal) => Promise<void>): void {
    if (this.inFlight.has(task.id) || this.stopping.signal.aborted) return;
    const retry = this.retries.get(task.id);
    if (retry && retry.at > this.ctx.clock.now()) return;
    const controller = new AbortController();
    this.inFlight.set(task.id, { kind, controller });
    const done = step(controller.signal)
      .then(() => void this.retries.delete(task.id))
      .catch((e: unknown) => {
        if (e instanceof AilabError && e.code === "BuildCancelled") return;
        const failures = (retry?.failures ?? 0) + 1;
        const wait = Math.min(1000 * 2 ** (failures - 1), 60_000);
        this.retries.set(task.id, { failures, at: this.ctx.clock.now() + wait });
        this.ctx.log.warn(`${kind} failed; will retry`, { task: task.id, inSeconds: wait / 1000, error: e });
      })
      .finally(() => {
        this.inFlight.delete(task.id);
        this.settled.delete(done);
        this.wake.abort();
      });
    this.settled.add(done);
  }
}

function cancelText(task: TaskRow): string {
  return cancelledText(task.cancelReason ?? "");
}
