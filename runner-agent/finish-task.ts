import { rm } from "node:fs/promises";
import { jobPaths, runPaths, type JobPaths } from "./job-paths.js";
import { failureReason, type FailureReason } from "./failure-reason.js";
import { readLogTail, shipLog, shipNotes } from "./job-log.js";
import { collectResults } from "./collect-results.js";
import { buildRunCard } from "./run-card.js";
import type { RunnerContext } from "./runner-context.js";
import { isSubmitting } from "./scheduler.js";
import { completedIndexes, readSweepRuns, type SweepRun } from "./sweep-runs.js";
import { taskOutcome, withResultsLimit } from "./task-outcome.js";
import { uploadArtifacts } from "./upload-artifacts.js";
import { getTask, updateTask, type TaskRow } from "./task-rows.js";

/**
 * The `collecting` step: ships the rest of the log, archives and uploads the
 * results, logs and run.json (a sweep's under each run's index), then, in one transaction, marks the task done
 * and writes its completion to the outbox. Running it again after a crash
 * uploads the same keys again; the completion is written once, because it
 * is written with the move to `done`. Afterwards the job's copy of the
 * project and the archives are removed; its script and logs stay.
 */
export async function finishTask(ctx: RunnerContext, task: TaskRow): Promise<void> {
  const paths = jobPaths(ctx.config.dataDir, task.id);
  const log = ctx.log.child({ task: task.id });
  const { limits } = ctx.config;
  const logOffset = await shipLog(ctx.relay, task.id, paths.logFile, task.logOffset, { root: paths.runnerDir, maxBytes: limits.logBytes, maxChunks: Number.POSITIVE_INFINITY });
  if (logOffset !== task.logOffset) updateTask(ctx.db, task.id, { logOffset });
  if (isSubmitting(task.handle)) {
    // Ended (cancelled, or sbatch refused it) while a job was being submitted: no job of it may be left behind.
    await ctx.scheduler.cancel(task.handle);
  }
  const runs = readSweepRuns(task.submit.task, paths, completedIndexes(task.handle));
  const collected = await collectResults(task.submit, paths, limits, log);
  // What was left out is said after the job's own output (not recorded as the offset: again after a crash, the same chunk is kept).
  await shipNotes(ctx.relay, task.id, logOffset, collected.notes);
  const outcome = withResultsLimit(taskOutcome(task, runs, await readFailureReason(task, runs, paths)), collected.overLimit);
  const runCard = buildRunCard(task, outcome, ctx.scheduler.kind, nodeOf(ctx, task), runs);
  const artifacts = await uploadArtifacts(ctx.relay, task.id, paths.outDir, collected.archives, runCard);
  const durationSeconds = task.startedAt !== null && task.endedAt !== null ? Math.max(0, task.endedAt - task.startedAt) / 1000 : 0;
  ctx.db.transaction(() => {
    if (getTask(ctx.db, task.id)?.state !== "collecting") return;
    updateTask(ctx.db, task.id, { state: "done", outcome: outcome.state, outcomeDescription: outcome.description });
    ctx.outbox.completion({
      kind: "completion",
      taskId: task.id,
      state: outcome.state,
      description: outcome.description,
      ...(outcome.output !== undefined ? { output: outcome.output } : {}),
      exitCode: task.exitCode,
      durationSeconds,
      artifacts,
      runCard,
      at: ctx.clock.now(),
    });
  })();
  log.info("task finished", { state: outcome.state, description: outcome.description });
  // What went up to the relay need not stay: the project copies, the job's venv and the archives go, the logs and script stay.
  await rm(paths.projectDir, { recursive: true, force: true });
  await rm(paths.venvDir, { recursive: true, force: true });
  for (let index = 0; index < runs.length; index++) await rm(runPaths(paths, index).projectDir, { recursive: true, force: true });
  await rm(paths.outDir, { recursive: true, force: true });
}

/** The log tail a failure is explained from: enough for a traceback, bounded however much the job wrote. */
const REASON_TAIL_BYTES = 16 * 1024;

/**
 * Why the job failed, from its log (a sweep's: the first failed run's); undefined
 * when it did not fail by its own exit code (an outcome decided earlier stands) or
 * wrote nothing readable.
 */
async function readFailureReason(task: TaskRow, runs: readonly SweepRun[], paths: JobPaths): Promise<FailureReason | undefined> {
  if (task.outcome) return undefined;
  const failedRun = runs.find((r) => r.exitCode !== 0);
  if (runs.length > 0 ? failedRun === undefined : task.exitCode === 0) return undefined;
  const logFile = failedRun ? runPaths(paths, failedRun.index).logFile : paths.logFile;
  const tail = await readLogTail(logFile, REASON_TAIL_BYTES, paths.runnerDir);
  return tail && failureReason(tail.text, tail.partial);
}

/** Where the job ran: the node Slurm reported (none if it never ran), or this machine for the local executor. */
function nodeOf(ctx: RunnerContext, task: TaskRow): string | null {
  if (ctx.scheduler.kind === "local") return ctx.config.node;
  return typeof task.handle?.node === "string" ? task.handle.node : null;
}
