import { timeLimitSeconds } from "../core/task/slurm-forms.js";
import { formatElapsed } from "./format-elapsed.js";
import { jobPaths } from "./job-paths.js";
import { lastLogLine, shipLog } from "./job-log.js";
import type { RunnerContext } from "./runner-context.js";
import { updateTask, type TaskRow } from "./task-rows.js";

/**
 * One look at every running job: a single scheduler poll for all of them;
 * a job that ended moves its task to `collecting` (exit code and end time
 * recorded first); a job still running has its new log bytes shipped and,
 * at most every `progressIntervalMs` and only when its last log line
 * changed, a `running 0:00:12 · Epoch 5/100` event sent; a local job past
 * its time limit is marked to be stopped.
 */
export async function watchJobs(ctx: RunnerContext, running: readonly TaskRow[]): Promise<void> {
  const watched = running.filter((t) => t.handle !== null);
  if (watched.length === 0) return;
  let states;
  try {
    states = await ctx.scheduler.poll(watched.map((t) => t.handle!));
  } catch (e) {
    ctx.log.warn("scheduler poll failed; will retry", { error: e });
    return;
  }
  for (const task of watched) {
    const status = states.get(task.id);
    const log = ctx.log.child({ task: task.id });
    if (status?.state === "done") {
      const exitCode = status.exitCode ?? null;
      updateTask(ctx.db, task.id, { state: "collecting", exitCode, endedAt: ctx.clock.now() });
      log.info("job ended", { exitCode, ...(status.reason ? { reason: status.reason } : {}) });
    } else if (status?.state === "running") {
      if (pastTimeLimit(ctx, task)) continue;
      await shipAndReport(ctx, task);
    } else if (status?.state !== "pending") {
      log.warn("job state unknown", { reason: status?.reason ?? "not in the scheduler's answer" });
    }
  }
}

/**
 * Slurm ends a job at its time limit itself; the local executor does not,
 * so the runner does: the job is stopped like a cancelled one, and the task
 * ends as failure.
 */
function pastTimeLimit(ctx: RunnerContext, task: TaskRow): boolean {
  const limit = timeLimitSeconds(task.submit.task.resources.timeLimit);
  if (ctx.scheduler.kind !== "local" || limit === undefined || task.startedAt === null) return false;
  if (ctx.clock.now() - task.startedAt <= limit * 1000) return false;
  const description = `time limit ${formatElapsed(limit * 1000)} reached`;
  updateTask(ctx.db, task.id, { cancelRequested: true, outcome: "failure", outcomeDescription: description });
  ctx.log.info("job past its time limit; stopping it", { task: task.id, limit: task.submit.task.resources.timeLimit });
  return true;
}

async function shipAndReport(ctx: RunnerContext, task: TaskRow): Promise<void> {
  const paths = jobPaths(ctx.config.dataDir, task.id);
  try {
    const offset = await shipLog(ctx.relay, task.id, paths.logFile, task.logOffset);
    if (offset !== task.logOffset) updateTask(ctx.db, task.id, { logOffset: offset });
  } catch (e) {
    ctx.log.warn("log upload failed; will retry", { task: task.id, error: e });
  }
  const now = ctx.clock.now();
  if (task.progressAt !== null && now - task.progressAt < ctx.config.progressIntervalMs) return;
  const line = await lastLogLine(paths.logFile);
  if (line === "" || line === task.progressLine) return;
  const description = `running ${formatElapsed(now - (task.startedAt ?? now))} · ${line}`;
  ctx.db.transaction(() => {
    updateTask(ctx.db, task.id, { progressLine: line, progressAt: now });
    ctx.outbox.event(task.id, "running", description);
  })();
}
