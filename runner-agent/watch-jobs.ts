import { sweepRuns } from "../core/task/sweep.js";
import { timeLimitSeconds } from "../core/task/slurm-forms.js";
import { formatElapsed } from "./format-elapsed.js";
import { jobPaths } from "./job-paths.js";
import { lastLogLine, shipLog } from "./job-log.js";
import type { RunnerContext } from "./runner-context.js";
import { isSubmitting, type JobHandle, type JobStatus } from "./scheduler.js";
import { readSweepRuns, sweepExitCode, sweepProgress } from "./sweep-runs.js";
import { updateTask, type TaskChanges, type TaskRow } from "./task-rows.js";

/**
 * One look at every job with the scheduler: a single poll for all of them.
 * A job waiting in Slurm's queue has its task's status say why (`queued ·
 * Resources · 2nd in line`, sent when it changes). A running job has its
 * new log bytes shipped and, at most every `progressIntervalMs` and only
 * when it changed, a `running 0:00:12 · Epoch 5/100` event sent (a sweep
 * shows `2 of 6 done, 1 failed` instead); the first look at it running
 * records its start. A job that ended moves its task to `collecting`, with
 * its exit code, end time and, from Slurm, a time limit reached or a cancel
 * made outside ailab. Node and times from Slurm go into the handle, for run.json.
 * A local job past its time limit is marked to be stopped.
 */
export async function watchJobs(ctx: RunnerContext, running: readonly TaskRow[]): Promise<void> {
  const watched = running.filter((t): t is TaskRow & { handle: JobHandle } => t.handle !== null && !isSubmitting(t.handle));
  if (watched.length === 0) return;
  let states;
  try {
    states = await ctx.scheduler.poll(watched.map((t) => t.handle));
  } catch (e) {
    ctx.log.warn("scheduler poll failed; will retry", { error: e });
    return;
  }
  for (const task of watched) {
    const status = states.get(task.id);
    const log = ctx.log.child({ task: task.id });
    if (status?.state === "done") {
      jobEnded(ctx, task, status);
      log.info("job ended", { exitCode: status.exitCode ?? null, ...(status.reason ? { reason: status.reason } : {}) });
    } else if (status?.state === "running") {
      if (task.startedAt === null) {
        started(ctx, task, status);
        continue;
      }
      if (pastTimeLimit(ctx, task)) continue;
      await shipAndReport(ctx, task);
    } else if (status?.state === "pending") {
      // A sweep whose first runs ended while the rest wait says so.
      const runs = task.submit.task.sweep ? readSweepRuns(task.submit.task, jobPaths(ctx.config.dataDir, task.id)) : [];
      const done = runs.some((r) => r.exitCode !== undefined) ? ` · ${sweepProgress(runs)}` : "";
      const description = `queued · ${status.reason ?? "waiting"}${done}`;
      // progressLine holds the last status line sent while the job waits, so each is sent once.
      if (description === task.progressLine) continue;
      ctx.db.transaction(() => {
        updateTask(ctx.db, task.id, { progressLine: description });
        ctx.outbox.event(task.id, "queued", description);
      })();
    } else {
      log.warn("job state unknown", { reason: status?.reason ?? "not in the scheduler's answer" });
    }
  }
}

/** A job seen running for the first time (Slurm: it waited in the queue until now): its start, and a first `running` event. */
function started(ctx: RunnerContext, task: TaskRow & { handle: JobHandle }, status: JobStatus): void {
  const now = ctx.clock.now();
  const startedAt = Math.min(now, msOf(status.startedAt) ?? now);
  ctx.db.transaction(() => {
    updateTask(ctx.db, task.id, { startedAt, progressAt: now, progressLine: null, handle: withDetails(task.handle, status) });
    ctx.outbox.event(task.id, "running", `running ${formatElapsed(now - startedAt)}`);
  })();
  ctx.log.info("job running", { task: task.id, jobId: task.handle.jobId, node: status.node ?? null });
}

function jobEnded(ctx: RunnerContext, task: TaskRow & { handle: JobHandle }, status: JobStatus): void {
  const runs = readSweepRuns(task.submit.task, jobPaths(ctx.config.dataDir, task.id), status.completedIndexes);
  const now = ctx.clock.now();
  const endedAt = Math.min(now, msOf(status.endedAt) ?? now);
  const changes: TaskChanges = {
    state: "collecting",
    exitCode: runs.length > 0 ? sweepExitCode(runs) : (status.exitCode ?? null),
    endedAt,
    handle: withDetails(task.handle, status),
  };
  // A job that ended between two looks was never seen running; Slurm still knows when it started.
  if (task.startedAt === null && status.startedAt) changes.startedAt = Math.min(endedAt, msOf(status.startedAt) ?? endedAt);
  // A sweep's outcome is its runs' (see sweepOutcome), with these named as the cause.
  if (runs.length === 0 && status.timedOut) Object.assign(changes, { outcome: "failure", outcomeDescription: "time limit reached" });
  else if (runs.length === 0 && status.cancelled) Object.assign(changes, { outcome: "cancelled", outcomeDescription: "cancelled in Slurm" });
  updateTask(ctx.db, task.id, changes);
}

/** The handle with what the scheduler told of the job (node, start, end, time limit, cancel, array elements that completed), kept for run.json. */
function withDetails(handle: JobHandle, status: JobStatus): JobHandle {
  const { node, startedAt, endedAt, timedOut, cancelled, completedIndexes } = status;
  const details = { node, startedAt, endedAt, timedOut, cancelled, completedIndexes };
  const known = Object.entries(details).filter(([, value]) => value !== undefined && value !== null);
  return { ...handle, ...Object.fromEntries(known) };
}

/**
 * Slurm ends a job at its time limit itself; the local executor does not,
 * so the runner does: the job is stopped like a cancelled one, and the task
 * ends as failure. A local sweep runs its runs one after another, so it has
 * the limit once per run.
 */
function pastTimeLimit(ctx: RunnerContext, task: TaskRow): boolean {
  const limit = timeLimitSeconds(task.submit.task.resources.timeLimit);
  if (ctx.scheduler.kind !== "local" || limit === undefined || task.startedAt === null) return false;
  const runs = sweepRuns(task.submit.task.sweep).length;
  if (ctx.clock.now() - task.startedAt <= limit * runs * 1000) return false;
  const description = `time limit ${formatElapsed(limit * 1000)} reached`;
  updateTask(ctx.db, task.id, { cancelRequested: true, outcome: "failure", outcomeDescription: description });
  ctx.log.info("job past its time limit; stopping it", { task: task.id, limit: task.submit.task.resources.timeLimit });
  return true;
}

async function shipAndReport(ctx: RunnerContext, task: TaskRow): Promise<void> {
  const paths = jobPaths(ctx.config.dataDir, task.id);
  try {
    const offset = await shipLog(ctx.relay, task.id, paths.logFile, task.logOffset, { root: paths.runnerDir, maxBytes: ctx.config.limits.logBytes });
    if (offset !== task.logOffset) updateTask(ctx.db, task.id, { logOffset: offset });
  } catch (e) {
    ctx.log.warn("log upload failed; will retry", { task: task.id, error: e });
  }
  const now = ctx.clock.now();
  if (task.progressAt !== null && now - task.progressAt < ctx.config.progressIntervalMs) return;
  const line = task.submit.task.sweep ? sweepProgress(readSweepRuns(task.submit.task, paths)) : await lastLogLine(paths.logFile, paths.runnerDir);
  if (line === "" || line === task.progressLine) return;
  const description = `running ${formatElapsed(now - (task.startedAt ?? now))} · ${line}`;
  ctx.db.transaction(() => {
    updateTask(ctx.db, task.id, { progressLine: line, progressAt: now });
    ctx.outbox.event(task.id, "running", description);
  })();
}

function msOf(iso: string | null | undefined): number | undefined {
  if (!iso) return undefined;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms;
}
