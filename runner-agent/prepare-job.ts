import { mkdir, writeFile } from "node:fs/promises";
import { AilabError } from "../core/errors.js";
import type { BatchPlan } from "../core/sbatch/render-batch-script.js";
import { writeJobScripts } from "./job-scripts.js";
import { jobPaths } from "./job-paths.js";
import { materializeProject } from "./materialize-project.js";
import type { RunnerContext } from "./runner-context.js";
import { getTask, updateTask, type TaskRow } from "./task-rows.js";

/**
 * The `building` step of a task: the environment (cached or built with uv),
 * the project laid out from the snapshot, the batch script rendered, then
 * the job handed to the scheduler and its handle recorded. All of it can be
 * run again after a crash. A failure that is the task's (uv, a missing
 * object, a bad manifest) ends it with `error`; anything else is thrown so
 * the loop can try again.
 */
export async function prepareJob(ctx: RunnerContext, task: TaskRow, signal: AbortSignal): Promise<void> {
  const paths = jobPaths(ctx.config.dataDir, task.id);
  const log = ctx.log.child({ task: task.id });
  try {
    await mkdir(paths.jobDir, { recursive: true });
    const env = await ctx.envs.ensure(task.submit.env, signal);
    log.info(env.built ? "environment built" : "environment reused", { env: env.key });
    await materializeProject({ relay: ctx.relay, objects: ctx.objects, tree: task.submit.tree, upload: task.submit.task.files.upload, projectDir: paths.projectDir });
    const plan: BatchPlan = {
      taskId: task.id,
      user: task.submit.user,
      task: task.submit.task,
      scheduler: ctx.scheduler.kind,
      paths: { projectDir: paths.projectDir, envDir: env.venvDir, logFile: paths.logFile, exitCodeFile: paths.exitCodeFile },
    };
    await writeJobScripts(plan, paths.scriptFile, ctx.template);
    if (!stillBuilding(ctx, task.id) || signal.aborted) return;
    updateTask(ctx.db, task.id, { envDir: env.venvDir });
    const handle = await ctx.scheduler.submit({
      taskId: task.id,
      scriptPath: paths.scriptFile,
      logFile: paths.logFile,
      exitCodeFile: paths.exitCodeFile,
      cwd: paths.jobDir,
      env: jobEnv(ctx, task),
    });
    const now = ctx.clock.now();
    ctx.db.transaction(() => {
      updateTask(ctx.db, task.id, { state: "running", handle, startedAt: now, logOffset: 0, progressAt: now, progressLine: null });
      ctx.outbox.event(task.id, "running", "running 0:00:00");
    })();
    log.info("job started", { jobId: handle.jobId });
    // A cancel that came in while the job was being started is acted on by the loop's cancel step.
  } catch (e) {
    if (!(e instanceof AilabError) || e.code === "BuildCancelled") throw e;
    log.warn("task failed before it ran", { code: e.code, error: e });
    if (typeof e.data.output === "string") await writeFile(paths.buildLogFile, e.data.output);
    if (!stillBuilding(ctx, task.id)) return;
    updateTask(ctx.db, task.id, { state: "collecting", outcome: "error", outcomeDescription: e.message, endedAt: ctx.clock.now() });
  }
}

/** The runner's environment, plus the task's GPUs where this runner hands GPUs out. */
function jobEnv(ctx: RunnerContext, task: TaskRow): Record<string, string> {
  if (ctx.gpus.length === 0) return ctx.config.baseEnv;
  return { ...ctx.config.baseEnv, CUDA_VISIBLE_DEVICES: task.gpuIds.join(",") };
}

function stillBuilding(ctx: RunnerContext, id: string): boolean {
  const now = getTask(ctx.db, id);
  return now?.state === "building" && !now.cancelRequested;
}
