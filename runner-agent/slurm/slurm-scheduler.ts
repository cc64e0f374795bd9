import { AilabError } from "../../core/errors.js";
import type { Logger } from "../../core/logger.js";
import type { ProcessRunner } from "../process-runner.js";
import { readExitCode } from "../read-exit-code.js";
import type { JobHandle, JobSpec, JobStatus, Scheduler } from "../scheduler.js";
import { isFinishedSlurmState } from "./slurm-state.js";
import { ordinal, parseSqueue, placeInLine, squeueArgs, type SqueueRow } from "./squeue.js";

export interface SlurmJobHandle extends JobHandle {
  scheduler: "slurm";
  /** The job name Slurm knows it by: `ailab-<task id>`. */
  jobName: string;
}

/** A status from Slurm: JobStatus with node, start and end times (ISO 8601), time-out and cancel filled in. */
export type SlurmJobStatus = JobStatus;

export interface SlurmOptions {
  run: ProcessRunner;
  log: Logger;
  /** Environment for sbatch/squeue/scancel; what sbatch passes on to jobs, so no secrets. */
  env: Record<string, string>;
  /** How long sbatch may take before it is stopped and the job looked up by name (default: 60 s). */
  sbatchTimeoutMs?: number;
}

/**
 * Slurm behind the Scheduler interface. `sbatch --parsable` submits the
 * rendered script (its #SBATCH lines carry name, comment, resources); one
 * `squeue` per poll covers every job; `scancel` cancels. Before submitting,
 * it looks the job up by name, so a runner that crashed after sbatch
 * returned (or whose sbatch timed out) never submits the same task twice.
 */
export class SlurmScheduler implements Scheduler {
  readonly kind = "slurm" as const;

  constructor(private readonly options: SlurmOptions) {}

  static jobName(taskId: string): string {
    return `ailab-${taskId}`;
  }

  /**
   * Submits the job unless Slurm knows one of its name already. An sbatch
   * that fails or times out may still have submitted the job, so the name
   * is looked up again before anything is decided: found, it is the job;
   * not found, a refusal is the task's error (`SbatchFailed`, with sbatch's
   * words) and a timeout or an unreachable Slurm is thrown to be tried again
   * (`SbatchTimedOut`, `SqueueFailed`; see `isSchedulerOutage`).
   */
  async submit(job: JobSpec): Promise<SlurmJobHandle> {
    const existing = await this.find(job);
    if (existing) {
      this.options.log.info("job already known to Slurm; not submitting again", { taskId: job.taskId, jobId: existing.jobId });
      return existing;
    }
    const out = await this.options.run(["sbatch", "--parsable", job.scriptPath], {
      cwd: job.cwd,
      env: this.options.env,
      signal: AbortSignal.timeout(this.options.sbatchTimeoutMs ?? 60_000),
    });
    const jobId = out.stdout.trim().split(";")[0] ?? "";
    if (out.exitCode === 0 && /^\d+$/.test(jobId)) return this.handle(job, jobId);
    const submitted = await this.find(job);
    if (submitted) {
      this.options.log.warn("sbatch did not answer, but Slurm has the job", { taskId: job.taskId, jobId: submitted.jobId, exitCode: out.exitCode });
      return submitted;
    }
    if (out.exitCode === null) throw new AilabError("SbatchTimedOut", "sbatch did not answer in time, and Slurm has no job of this name yet", { taskId: job.taskId });
    throw new AilabError("SbatchFailed", `sbatch failed: ${(out.stderr || out.stdout).trim() || `exit code ${out.exitCode}`}`, {
      exitCode: out.exitCode,
    });
  }

  /**
   * The job Slurm knows by this task's name (`ailab-<task id>`), pending,
   * running or recently ended; undefined if none. Slurm also keeps a record
   * of a submission it refused (FAILED on no node, reason BadConstraints):
   * that is no job, and is passed over.
   */
  async find(job: JobSpec): Promise<SlurmJobHandle | undefined> {
    const jobName = SlurmScheduler.jobName(job.taskId);
    const row = (await this.squeue()).find((r) => r.name === jobName && !(r.state === "FAILED" && r.node === null));
    return row ? this.handle(job, row.arrayJobId) : undefined;
  }

  private handle(job: JobSpec, jobId: string): SlurmJobHandle {
    return { taskId: job.taskId, scheduler: "slurm", jobId, jobName: SlurmScheduler.jobName(job.taskId), exitCodeFile: job.exitCodeFile };
  }

  async poll(handles: readonly JobHandle[]): Promise<Map<string, SlurmJobStatus>> {
    const states = new Map<string, SlurmJobStatus>();
    if (handles.length === 0) return states;
    const rows = await this.squeue();
    for (const handle of handles) states.set(handle.taskId, statusOf(handle, rows));
    return states;
  }

  /** scancel by job id; by the task's job name when the id was never recorded (a submitting marker), so no job of the task is left behind. */
  async cancel(handle: JobHandle): Promise<void> {
    const target = handle.jobId ?? `--name=${SlurmScheduler.jobName(handle.taskId)}`;
    const out = await this.options.run(["scancel", target], { env: this.options.env });
    // scancel of a job Slurm has forgotten fails; the job is gone either way.
    if (out.exitCode !== 0) this.options.log.warn("scancel failed", { jobId: handle.jobId, stderr: out.stderr.trim() });
  }

  private async squeue(): Promise<SqueueRow[]> {
    const out = await this.options.run(["squeue", ...squeueArgs()], { env: this.options.env });
    if (out.exitCode !== 0) throw new AilabError("SqueueFailed", `squeue failed: ${out.stderr.trim() || `exit code ${out.exitCode}`}`);
    return parseSqueue(out.stdout);
  }
}

/** A job's status from squeue's rows, falling back to the exit-code file once Slurm forgets it. */
export function statusOf(handle: JobHandle, rows: readonly SqueueRow[]): SlurmJobStatus {
  const mine = rows.filter((r) => r.arrayJobId === handle.jobId);
  const exitCode = readExitCode(handle.exitCodeFile);
  if (mine.length === 0) {
    if (exitCode !== undefined) return { state: "done", exitCode };
    return { state: "done", exitCode: null, reason: "Slurm no longer knows the job and it recorded no exit code" };
  }
  const node = mine.find((r) => r.node)?.node ?? null;
  // A pending job's start time is Slurm's estimate; only a job that ran has started.
  const startedAt = isoTime(mine.filter((r) => r.state !== "PENDING").map((r) => r.startTime).filter(Boolean).sort()[0]);
  if (mine.every((r) => isFinishedSlurmState(r.state))) {
    const endedAt = isoTime(mine.map((r) => r.endTime).filter(Boolean).sort().at(-1));
    const timedOut = mine.some((r) => r.state === "TIMEOUT");
    const cancelled = mine.some((r) => r.state === "CANCELLED");
    const failed = mine.find((r) => r.state !== "COMPLETED");
    const code = exitCode ?? (failed ? null : 0);
    const completedIndexes = mine.filter((r) => r.state === "COMPLETED" && r.arrayIndex !== null).map((r) => r.arrayIndex!);
    return {
      state: "done",
      exitCode: code,
      node,
      startedAt,
      endedAt,
      timedOut,
      cancelled,
      ...(completedIndexes.length > 0 ? { completedIndexes } : {}),
      ...(failed ? { reason: failed.state.toLowerCase().replace(/_/g, " ") } : {}),
    };
  }
  if (mine.some((r) => r.state === "RUNNING" || r.state === "COMPLETING" || r.state === "CONFIGURING")) {
    return { state: "running", node, startedAt };
  }
  const pending = mine.find((r) => r.state === "PENDING");
  if (pending) {
    const place = placeInLine(rows, pending.arrayJobId);
    const reason = [pending.reason ?? "waiting", place ? `${ordinal(place)} in line` : undefined].filter(Boolean).join(" · ");
    return { state: "pending", reason };
  }
  return { state: "unknown", reason: mine[0]!.state };
}

/** squeue prints times in the cluster's local time without a zone (`2026-11-24T10:29:26`); as ISO 8601 in UTC. */
function isoTime(text: string | null | undefined): string | null {
  if (!text) return null;
  const ms = new Date(text).getTime();
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}
