import { mkdir, rm, writeFile } from "node:fs/promises";
import { dirname, posix } from "node:path";
import { schedulerGpuType } from "../core/runners/runner-fit.js";
import { AilabError } from "../core/errors.js";
import type { BatchPlan } from "../core/sbatch/render-batch-script.js";
import { sweepRuns } from "../core/task/sweep.js";
import { writeJobScripts } from "./job-scripts.js";
import { jobPaths, runPaths, type JobPaths } from "./job-paths.js";
import { layOutProject } from "./lay-out-project.js";
import { placeEntries } from "./materialize-project.js";
import type { RunnerContext } from "./runner-context.js";
import { isSchedulerOutage, isSubmitting, submittingHandle, type JobHandle, type JobSpec } from "./scheduler.js";
import { jobSandboxArgs } from "./sandbox/job-sandbox.js";
import { partitionFor } from "./slurm/slurm-partitions.js";
import { awaitTurnToSubmit } from "./submit-order.js";
import { getTask, updateTask, type TaskRow } from "./task-rows.js";

/**
 * The `building` step of a task: the environment (cached or built with uv),
 * the project laid out from the snapshot (a sweep: one copy per run), the
 * job's own venv over the environment (the project installed if it is a
 * package), the
 * batch script rendered, then, once the user's earlier tasks are with the
 * scheduler (push order, see awaitTurnToSubmit), the job handed to the
 * scheduler and its handle recorded. All of it can be run again after a crash. With a scheduler that
 * can find jobs again (Slurm), a "submitting" handle is recorded before the
 * submit, and a task found holding one is looked up first: a job the last
 * runner submitted is taken over, not laid out or submitted again. A failure
 * that is the task's (uv, a missing object, a bad manifest, a partition not
 * allowed, sbatch refusing the job) ends it with `error`; anything else is
 * thrown so the loop can try again.
 */
export async function prepareJob(ctx: RunnerContext, task: TaskRow, signal: AbortSignal): Promise<void> {
  const paths = jobPaths(ctx.config.dataDir, task.id);
  const log = ctx.log.child({ task: task.id });
  try {
    await mkdir(paths.jobDir, { recursive: true });
    // The runner's own files for the task: beside the job's folder, never inside it (see JobPaths).
    await mkdir(paths.runnerDir, { recursive: true, mode: 0o700 });
    const spec = jobSpec(ctx, task, paths);
    const earlier = isSubmitting(task.handle) ? await ctx.scheduler.find?.(spec) : undefined;
    if (earlier) {
      log.info("job found that the last runner submitted", { jobId: earlier.jobId });
      return recordSubmitted(ctx, task, earlier);
    }
    const partition = ctx.partitions ? partitionFor(task.submit.task.resources, ctx.partitions) : task.submit.task.resources.partition;
    const env = await ctx.envs.ensure(task.submit.env, signal);
    log.info(env.built ? "environment built" : "environment reused", { env: env.key });
    const runs = task.submit.task.sweep ? sweepRuns(task.submit.task.sweep).length : 0;
    await layOutProject(ctx, task, paths, runs);
    // Slurm opens each run's log itself and does not make its folder.
    for (let index = 0; index < runs; index++) await mkdir(dirname(runPaths(paths, index).logFile), { recursive: true, mode: 0o700 });
    await ctx.envs.jobVenv(env.venvDir, paths.venvDir, pyprojectFolder(task, runs > 0 ? runPaths(paths, 0).projectDir : paths.projectDir), signal);
    const plan: BatchPlan = {
      taskId: task.id,
      user: task.submit.user,
      task: { ...task.submit.task, resources: { ...task.submit.task.resources, partition, ...gpuTypeOf(ctx, task) } },
      scheduler: ctx.scheduler.kind,
      paths: { projectDir: paths.projectDir, envDir: paths.venvDir, logFile: paths.logFile, exitCodeFile: paths.exitCodeFile },
      ...(runs > 0 ? { array: { runsDir: paths.runsDir, runFilesDir: paths.runFilesDir, count: runs } } : {}),
      ...(ctx.sandbox === "bwrap" ? { sandbox: await jobSandboxArgs({ paths, runs, sharedVenv: env.venvDir, uvPath: ctx.uvPath, privatePaths: privatePaths(ctx) }) } : {}),
    };
    await writeJobScripts(plan, paths.scriptFile, ctx.template);
    await awaitTurnToSubmit(ctx, task, signal);
    if (!stillBuilding(ctx, task.id) || signal.aborted) return;
    await rm(paths.exitCodeFile, { force: true });
    updateTask(ctx.db, task.id, { envDir: paths.venvDir, ...(ctx.scheduler.find ? { handle: submittingHandle(ctx.scheduler, spec) } : {}) });
    recordSubmitted(ctx, task, await ctx.scheduler.submit(spec));
    // A cancel that came in while the job was being started is acted on by the loop's cancel step.
  } catch (e) {
    if (!(e instanceof AilabError) || e.code === "BuildCancelled" || isSchedulerOutage(e)) throw e;
    log.warn("task failed before it ran", { code: e.code, error: e });
    if (typeof e.data.output === "string") await writeFile(paths.buildLogFile, e.data.output);
    if (!stillBuilding(ctx, task.id)) return;
    updateTask(ctx.db, task.id, { state: "collecting", outcome: "error", outcomeDescription: e.message, endedAt: ctx.clock.now() });
  }
}

/**
 * The job is with the scheduler: the task is `running` from the runner's
 * side. The local executor has started it; a Slurm job may wait in Slurm's
 * queue, so its start time and first event come from the watch (`queued ·
 * Resources · 2nd in line`, then `running …`).
 */
function recordSubmitted(ctx: RunnerContext, task: TaskRow, handle: JobHandle): void {
  const now = ctx.clock.now();
  const startsNow = ctx.scheduler.kind === "local";
  ctx.db.transaction(() => {
    updateTask(ctx.db, task.id, { state: "running", handle, startedAt: startsNow ? now : null, logOffset: 0, progressAt: startsNow ? now : null, progressLine: null });
    if (startsNow) ctx.outbox.event(task.id, "running", "running 0:00:00");
  })();
  ctx.log.info("job submitted", { task: task.id, jobId: handle.jobId });
}

function jobSpec(ctx: RunnerContext, task: TaskRow, paths: JobPaths): JobSpec {
  return { taskId: task.id, scriptPath: paths.scriptFile, logFile: paths.logFile, exitCodeFile: paths.exitCodeFile, cwd: paths.jobDir, env: jobEnv(ctx, task) };
}

/** The runner's environment, plus the task's GPUs where this runner hands GPUs out. */
function jobEnv(ctx: RunnerContext, task: TaskRow): Record<string, string> {
  if (ctx.gpus.length === 0) return ctx.config.baseEnv;
  return { ...ctx.config.baseEnv, CUDA_VISIBLE_DEVICES: task.gpuIds.join(",") };
}

/**
 * Where the task's pyproject.toml is in a laid-out project copy (the upload
 * mapping may move it); undefined when the mapping leaves it out. A sweep's
 * runs share one job venv, whose editable install points at run 0's copy:
 * the copies are the same snapshot.
 */
function pyprojectFolder(task: TaskRow, projectDir: string): string | undefined {
  const entry = { path: posix.normalize(task.submit.task.environment.pyproject), object: "", mode: "file" as const, size: 0 };
  const placed = placeEntries([entry], task.submit.task.files.upload, projectDir)[0];
  return placed ? dirname(placed.target) : undefined;
}

/** What no read-only mount of a job may hold: the runner's data folder and a relay folder. */
function privatePaths(ctx: RunnerContext): string[] {
  return [ctx.config.dataDir, ...(ctx.config.relay.kind === "dir" ? [ctx.config.relay.path] : [])];
}

function stillBuilding(ctx: RunnerContext, id: string): boolean {
  const now = getTask(ctx.db, id);
  return now?.state === "building" && !now.cancelRequested;
}

/** The task's GPU type as the scheduler spells it (absent when the task names none). */
function gpuTypeOf(ctx: RunnerContext, task: TaskRow): { gpuType?: string } {
  const wanted = task.submit.task.resources.gpuType;
  return wanted === undefined ? {} : { gpuType: schedulerGpuType(ctx.offeredGpuTypes, wanted) };
}
