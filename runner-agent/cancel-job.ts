import type { RunnerContext } from "./runner-context.js";
import { getTask, updateTask, type TaskRow } from "./task-rows.js";

/**
 * Stops a running job (the local executor: its whole process group, SIGTERM
 * then SIGKILL) and moves its task to `collecting`, keeping whatever exit
 * code the job managed to record. The task ends cancelled, unless an outcome
 * was set already (a time limit ends it as failure). Safe to repeat after a crash.
 */
export async function cancelJob(ctx: RunnerContext, task: TaskRow, description: string): Promise<void> {
  let exitCode: number | null = null;
  if (task.handle) {
    await ctx.scheduler.cancel(task.handle);
    const status = (await ctx.scheduler.poll([task.handle])).get(task.id);
    exitCode = status?.state === "done" ? (status.exitCode ?? null) : null;
  }
  if (getTask(ctx.db, task.id)?.state !== "running") return;
  const outcome = task.outcome ? {} : { outcome: "cancelled" as const, outcomeDescription: description };
  updateTask(ctx.db, task.id, { state: "collecting", ...outcome, exitCode, endedAt: ctx.clock.now() });
  ctx.log.info("job cancelled", { task: task.id, jobId: task.handle?.jobId ?? null });
}
