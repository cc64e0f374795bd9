import { existsSync, readFileSync } from "node:fs";
import { AilabError } from "../../core/errors.js";
import type { Logger } from "../../core/logger.js";
import type { ProcessRunner } from "../process-runner.js";
import type { JobHandle, JobSpec, JobStatus, Scheduler } from "../scheduler.js";
import { isFinishedSlurmState } from "./slurm-state.js";
import { ordinal, parseSqueue, placeInLine, squeueArgs, type SqueueRow } from "./squeue.js";

export interface SlurmJobHandle extends JobHandle {
  scheduler: "slurm";
  /** The job name Slurm knows it by: `ailab-<task id>`. */
  jobName: string;
}

/** What Slurm adds to a status: where the job waits or runs. */
export interface SlurmJobStatus extends JobStatus {
  node?: string | null;
  startedAt?: string | null;
  endedAt?: string | null;
  timedOut?: boolean;
  cancelled?: boolean;
}

export interface SlurmOptions {
  run: ProcessRunner;
  log: Logger;
  /** Environment for sbatch/squeue/scancel; what sbatch passes on to jobs, so no secrets. */
  env: Record<string, string>;
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

  async submit(job: JobSpec): Promise<SlurmJobHandle> {
    const jobName = SlurmScheduler.jobName(job.taskId);
    const existing = (await this.squeue()).find((r) => r.name === jobName);
    if (existing) {
      this.options.log.info("job already known to Slurm; not submitting again", { taskId: job.taskId, jobId: existing.arrayJobId });
      return this.handle(job, existing.arrayJobId, jobName);
    }
    const out = await this.options.run(["sbatch", "--parsable", job.scriptPath], { cwd: job.cwd, env: this.options.env });
    const jobId = out.stdout.trim().split(";")[0] ?? "";
    if (out.exitCode !== 0 || !/^\d+$/.test(jobId)) {
      throw new AilabError("SbatchFailed", `sbatch failed: ${(out.stderr || out.stdout).trim() || `exit code ${out.exitCode}`}`, {
        exitCode: out.exitCode,
      });
    }
    return this.handle(job, jobId, jobName);
  }

  private handle(job: JobSpec, jobId: string, jobName: string): SlurmJobHandle {
    return { taskId: job.taskId, scheduler: "slurm", jobId, jobName, exitCodeFile: job.exitCodeFile };
  }

  async poll(handles: readonly JobHandle[]): Promise<Map<string, SlurmJobStatus>> {
    const states = new Map<string, SlurmJobStatus>();
    if (handles.length === 0) return states;
    const rows = await this.squeue();
    for (const handle of handles) states.set(handle.taskId, statusOf(handle, rows));
    return states;
  }

  async cancel(handle: JobHandle): Promise<void> {
    const out = await this.options.run(["scancel", handle.jobId], { env: this.options.env });
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
  const startedAt = mine.map((r) => r.startTime).filter(Boolean).sort()[0] ?? null;
  if (mine.every((r) => isFinishedSlurmState(r.state))) {
    const endedAt = mine.map((r) => r.endTime).filter(Boolean).sort().at(-1) ?? null;
    const timedOut = mine.some((r) => r.state === "TIMEOUT");
    const cancelled = mine.some((r) => r.state === "CANCELLED");
    const failed = mine.find((r) => r.state !== "COMPLETED");
    const code = exitCode ?? (failed ? null : 0);
    return {
      state: "done",
      exitCode: code,
      node,
      startedAt,
      endedAt,
      timedOut,
      cancelled,
      ...(failed ? { reason: failed.state.toLowerCase().replace(/_/g, " ") } : {}),
    };
  }
  if (mine.some((r) => r.state === "RUNNING" || r.state === "COMPLETING" || r.state === "CONFIGURING")) {
    return { state: "running", node, startedAt };
  }
  const pending = mine.find((r) => r.state === "PENDING");
  if (pending) {
    const place = placeInLine(rows, handle.jobId);
    const reason = [pending.reason ?? "waiting", place ? `${ordinal(place)} in line` : undefined].filter(Boolean).join(" · ");
    return { state: "pending", reason };
  }
  return { state: "unknown", reason: mine[0]!.state };
}

function readExitCode(file: string): number | null | undefined {
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, "utf8").trim();
  return /^\d{1,3}$/.test(text) ? Number(text) : null;
}
