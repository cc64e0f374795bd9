import { AilabError } from "../core/errors.js";

/**
 * Where jobs run: the local executor now, Slurm later, behind one interface.
 * The runner stores each job's handle (plain JSON) in its database, so a
 * restarted runner can poll and cancel jobs that an earlier one submitted.
 */
export interface JobSpec {
  taskId: string;
  /** The rendered batch script. */
  scriptPath: string;
  /** stdout and stderr of the job go here. */
  logFile: string;
  /** The script writes its exit code here before it exits. */
  exitCodeFile: string;
  /** The folder the script starts in. */
  cwd: string;
  /** The job's environment (the script adds the task's own `env`). */
  env: Record<string, string>;
}

/** A submitted job, as JSON: enough to find it again after a restart. */
export interface JobHandle {
  taskId: string;
  scheduler: "local" | "slurm";
  /**
   * The scheduler's id for the job: a pid, a Slurm job id; null in the handle
   * recorded just before a submit (see `submittingHandle`), when the job may
   * or may not exist yet.
   */
  jobId: string | null;
  exitCodeFile: string;
  /** Scheduler-specific details (the local executor: the process start time). */
  [detail: string]: unknown;
}

export type JobState = "pending" | "running" | "done" | "unknown";

export interface JobStatus {
  state: JobState;
  /** For `done`: the recorded exit code, or `null` when none was recorded. */
  exitCode?: number | null;
  /** Why, when the state needs explaining (`pending`: Slurm's reason and place in line; `unknown`, a missing exit code). */
  reason?: string;
  /** Where the scheduler tells (Slurm): the node, and when the job started and ended (ISO 8601). */
  node?: string | null;
  startedAt?: string | null;
  endedAt?: string | null;
  /** For `done`: the scheduler ended the job at its time limit. */
  timedOut?: boolean;
  /** For `done`: the job was cancelled in the scheduler (by the runner, or by someone else). */
  cancelled?: boolean;
  /** For `done`, a job array: the elements the scheduler saw end with code 0 (for runs whose exit-code file is not visible yet). */
  completedIndexes?: number[];
}

export interface Scheduler {
  readonly kind: "local" | "slurm";
  /** Starts (or queues) a job; the handle goes into the database. */
  submit(job: JobSpec): Promise<JobHandle>;
  /** One call for every active job (one `squeue` for Slurm), keyed by task id. */
  poll(handles: readonly JobHandle[]): Promise<Map<string, JobStatus>>;
  /** Stops the job and everything it started; stopping an ended job is not an error. */
  cancel(handle: JobHandle): Promise<void>;
  /**
   * Finds a job submitted for this task earlier (Slurm: by job name), for a
   * runner that stopped between submitting and recording the job. A
   * scheduler that has it gets a `submittingHandle` recorded before each submit.
   */
  find?(job: JobSpec): Promise<JobHandle | undefined>;
}

/**
 * The handle recorded before a job is handed to a scheduler that can `find`
 * it: after a crash, or an sbatch that timed out, a task holding it may have
 * a job already, so the runner looks before it lays the job out or submits again.
 */
export function submittingHandle(scheduler: Scheduler, job: JobSpec): JobHandle {
  return { taskId: job.taskId, scheduler: scheduler.kind, jobId: null, exitCodeFile: job.exitCodeFile, submitting: true };
}

/** True for a handle recorded by `submittingHandle`: the job may or may not exist. */
export function isSubmitting(handle: JobHandle | null): handle is JobHandle & { jobId: null } {
  return handle !== null && handle.jobId === null;
}

/** Scheduler errors that are no fault of the task (Slurm unreachable, sbatch timed out): the step is tried again. */
export function isSchedulerOutage(e: unknown): boolean {
  return e instanceof AilabError && (e.code === "SqueueFailed" || e.code === "SbatchTimedOut");
}
