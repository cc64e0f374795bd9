import type { RunnerContext } from "./runner-context.js";
import { getTask, updateTask, type TaskRow } from "./task-rows.js";

/** Slurm is asked again if a cancelled job has not ended after this long. */
const SCANCEL_AGAIN_MS = 30_000;

/**
 * Stops a running job (the local executor: its whole process group, SIGTERM
 * then SIGKILL; Slurm: scancel) and moves its task to `collecting`, keeping
 * whatever exit code the job managed to record. scancel returns before the
 * job has ended, so a Slurm job is left `running` until Slurm says it ended
 * (this step is run again each cycle; scancel is sent again only now and
 * then): its results are collected after it stopped writing them, and it is
 * gone from squeue's active jobs when the completion goes out. The task ends
 * cancelled, unless an outcome was set already (a time limit ends it as
 * failure). Safe to repeat after a crash.
 */
export async function cancelJob(ctx: RunnerContext, task: TaskRow, description: string): Promise<void> {
  let exitCode: number | null = null;
  let endedAt = ctx.clock.now();
  if (task.handle) {
    const sentAt = typeof task.handle.cancelSentAt === "number" ? task.handle.cancelSentAt : undefined;
    if (sentAt === undefined || ctx.clock.now() - sentAt > SCANCEL_AGAIN_MS) {
      await ctx.scheduler.cancel(task.handle);
      if (ctx.scheduler.kind === "slurm") updateTask(ctx.db, task.id, { handle: { ...task.handle, cancelSentAt: ctx.clock.now() } });
    }
    const status = (await ctx.scheduler.poll([task.handle])).get(task.id);
    if (ctx.scheduler.kind === "slurm" && status?.state !== "done") return;
    exitCode = status?.state === "done" ? (status.exitCode ?? null) : null;
    const slurmEnd = status?.endedAt ? Date.parse(status.endedAt) : NaN;
    if (!Number.isNaN(slurmEnd)) endedAt = Math.min(endedAt, slurmEnd);
  }
  if (getTask(ctx.db, task.id)?.state !== "running") return;
  const outcome = task.outcome ? {} : { outcome: "cancelled" as const, outcomeDescription: description };
  updateTask(ctx.db, task.id, { state: "collecting", ...outcome, exitCode, endedAt });
  ctx.log.info("job cancelled", { task: task.id, jobId: task.handle?.jobId ?? null });
}
