import { spawn } from "node:child_process";
import { closeSync, constants, lstatSync, openSync, rmSync } from "node:fs";
import { AilabError } from "../core/errors.js";
import { readExitCode } from "./read-exit-code.js";
import { findGroupLeader, groupMembers, isSameProcessAlive, killGroup, processStartTime } from "./process-group.js";
import type { JobHandle, JobSpec, JobStatus, Scheduler } from "./scheduler.js";

/** A local job's handle: the pid of its process group leader and when it started. */
export interface LocalJobHandle extends JobHandle {
  scheduler: "local";
  pid: number;
  /** /proc/<pid>/stat field 22, so a later process with the same pid is not taken for the job. */
  startTime: string | null;
  /** When the job was spawned (ISO): its start, whenever the runner next looks. */
  spawnedAt?: string;
}

/** When the job's wrapper wrote its exit code (the file's own mtime, never a link's target): the job's end. */
function writtenAt(file: string): string | null {
  const stats = lstatSync(file, { throwIfNoEntry: false });
  return stats ? stats.mtime.toISOString() : null;
}

/**
 * The scheduler for one machine without Slurm: `bash <script>` in its own
 * process group (so cancel reaches everything the job started), output to
 * the job's log file, not tied to the runner (a killed runner leaves the job
 * running; the next one finds it through its handle). How many run at once
 * is the runner's queue's business.
 */
export class LocalExecutor implements Scheduler {
  readonly kind = "local" as const;

  constructor(private readonly options: { cancelGraceMs: number }) {}

  // Synchronous up to the spawn, so the caller's check "still wanted?" and
  // the start happen in one turn of the event loop.
  async submit(job: JobSpec): Promise<LocalJobHandle> {
    const handle = this.spawnJob(job);
    // Tests widen the window between the spawn and the runner's record of it, to kill the runner inside it.
    const pause = Number(process.env.AILAB_TEST_PAUSE_AFTER_SPAWN_MS ?? 0);
    if (pause > 0) await new Promise((resolve) => setTimeout(resolve, pause));
    return handle;
  }

  private spawnJob(job: JobSpec): LocalJobHandle {
    rmSync(job.exitCodeFile, { force: true });
    // Appended to, never through a link: a log the job swapped for one stays unwritten by the runner.
    const out = openSync(job.logFile, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW, 0o600);
    let pid: number | undefined;
    try {
      const child = spawn("bash", [job.scriptPath], { cwd: job.cwd, env: job.env, detached: true, stdio: ["ignore", out, out] });
      child.on("error", () => {}); // reported below through the missing pid
      child.unref();
      pid = child.pid;
    } finally {
      closeSync(out);
    }
    if (pid === undefined) throw new AilabError("JobStartFailed", "could not start bash for the job");
    const handle: LocalJobHandle = {
      taskId: job.taskId,
      scheduler: "local",
      jobId: String(pid),
      exitCodeFile: job.exitCodeFile,
      pid,
      startTime: processStartTime(pid) ?? null,
      spawnedAt: new Date().toISOString(),
    };
    return handle;
  }

  /**
   * After a restart, whether the job recorded as being submitted was
   * started: its bash, still running with the job's script as its only
   * argument and leading its own group, or the exit code it left. The
   * runner records that it is submitting before it spawns, so a job is
   * started at most once even when the runner dies in between.
   */
  find(job: JobSpec): Promise<LocalJobHandle | undefined> {
    const pid = findGroupLeader(["bash", job.scriptPath]);
    const base = { taskId: job.taskId, scheduler: "local" as const, exitCodeFile: job.exitCodeFile };
    if (pid !== undefined) return Promise.resolve({ ...base, jobId: String(pid), pid, startTime: processStartTime(pid) ?? null });
    // Ended already: no process is left to own (pid 0 is never signalled, see ownsGroup).
    if (readExitCode(job.exitCodeFile) !== undefined) return Promise.resolve({ ...base, jobId: "0", pid: 0, startTime: null });
    return Promise.resolve(undefined);
  }

  poll(handles: readonly JobHandle[]): Promise<Map<string, JobStatus>> {
    const states = new Map<string, JobStatus>();
    for (const handle of handles) states.set(handle.taskId, this.status(handle as LocalJobHandle));
    return Promise.resolve(states);
  }

  private status(handle: LocalJobHandle): JobStatus {
    if (typeof handle.pid !== "number") return { state: "unknown", reason: "the job handle has no pid" };
    // Alive first, then the exit code: the script writes the code before it exits.
    const alive = handle.startTime !== null && isSameProcessAlive(handle.pid, handle.startTime);
    const exitCode = readExitCode(handle.exitCodeFile);
    // The job's own times, not when the runner looked: a runner that was
    // down while the job ended must not charge the downtime to the student.
    const startedAt = handle.spawnedAt ?? null;
    if (exitCode !== undefined) {
      if (!alive) this.sweepGroup(handle);
      return { state: "done", exitCode, startedAt, endedAt: writtenAt(handle.exitCodeFile) };
    }
    if (alive) return { state: "running", startedAt };
    this.sweepGroup(handle);
    return { state: "done", exitCode: null, reason: "the job process ended without recording an exit code" };
  }

  /** Like the end of a Slurm job: what the job left running in its group is stopped. */
  private sweepGroup(handle: LocalJobHandle): void {
    if (this.ownsGroup(handle) && groupMembers(handle.pid).length > 0) void killGroup(handle.pid, 0);
  }

  async cancel(handle: JobHandle): Promise<void> {
    const local = handle as LocalJobHandle;
    if (this.ownsGroup(local)) await killGroup(local.pid, this.options.cancelGraceMs);
  }

  /** False when the pid now belongs to another process, which may lead a group of its own. */
  private ownsGroup(handle: LocalJobHandle): boolean {
    if (handle.pid <= 0) return false;
    const now = processStartTime(handle.pid);
    return now === undefined || now === handle.startTime;
  }
}
