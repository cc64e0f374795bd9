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
  /** The scheduler's id for the job: a pid, a Slurm job id. */
  jobId: string;
  exitCodeFile: string;
  /** Scheduler-specific details (the local executor: the process start time). */
  [detail: string]: unknown;
}

export type JobState = "pending" | "running" | "done" | "unknown";

export interface JobStatus {
  state: JobState;
  /** For `done`: the recorded exit code, or `null` when none was recorded. */
  exitCode?: number | null;
  /** Why, when the state needs explaining (`unknown`, a missing exit code). */
  reason?: string;
}

export interface Scheduler {
  readonly kind: "local" | "slurm";
  /** Starts (or queues) a job; the handle goes into the database. */
  submit(job: JobSpec): Promise<JobHandle>;
  /** One call for every active job (one `squeue` for Slurm), keyed by task id. */
  poll(handles: readonly JobHandle[]): Promise<Map<string, JobStatus>>;
  /** Stops the job and everything it started; stopping an ended job is not an error. */
  cancel(handle: JobHandle): Promise<void>;
}
