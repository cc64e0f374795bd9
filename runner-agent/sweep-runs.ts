import type { FinalState } from "../core/protocol/messages.js";
import { sweepRuns } from "../core/task/sweep.js";
import type { Task } from "../core/task/task.js";
import { runPaths, type JobPaths } from "./job-paths.js";
import { readExitCode } from "./read-exit-code.js";
import type { JobHandle } from "./scheduler.js";

/** One run of a sweep as its files tell it. */
export interface SweepRun {
  index: number;
  parameters: Record<string, string | number>;
  /** The code the run recorded; null when its file holds no number; undefined while it has none (not ended, or killed). */
  exitCode: number | null | undefined;
}

/**
 * The runs of a task's sweep, each with the exit code it recorded so far;
 * [] for a task without a sweep. A run in `completed` (the elements Slurm saw
 * end with code 0) counts as 0 while its exit-code file is not visible yet:
 * a shared file system may show it late on the runner's machine.
 */
export function readSweepRuns(task: Task, paths: JobPaths, completed: readonly number[] = []): SweepRun[] {
  if (!task.sweep) return [];
  return sweepRuns(task.sweep).map((parameters, index) => {
    const exitCode = readExitCode(runPaths(paths, index).exitCodeFile);
    return { index, parameters, exitCode: exitCode === undefined && completed.includes(index) ? 0 : exitCode };
  });
}

/** The elements a job handle says Slurm saw complete (see JobStatus.completedIndexes). */
export function completedIndexes(handle: JobHandle | null): number[] {
  const value = handle?.completedIndexes;
  return Array.isArray(value) ? value.filter((i): i is number => typeof i === "number") : [];
}

/** How many runs ended, and how many of those did not succeed. */
export function tallyRuns(runs: readonly SweepRun[]): { total: number; done: number; failed: number } {
  const done = runs.filter((r) => r.exitCode !== undefined);
  return { total: runs.length, done: done.length, failed: done.filter((r) => r.exitCode !== 0).length };
}

/** The progress a sweep's status shows: `2 of 6 done, 1 failed`. */
export function sweepProgress(runs: readonly SweepRun[]): string {
  const { total, done, failed } = tallyRuns(runs);
  return `${done} of ${total} done${failed > 0 ? `, ${failed} failed` : ""}`;
}

/**
 * How a sweep ended once its job did: success only if every run recorded 0;
 * otherwise failure naming how many runs failed (a run that recorded no exit
 * code, killed or never started, counts as failed).
 */
export function sweepOutcome(runs: readonly SweepRun[], took: string): { state: FinalState; description: string } {
  const failed = runs.filter((r) => r.exitCode !== 0).length;
  if (failed === 0) return { state: "success", description: `completed${took} · ${runs.length} runs` };
  return { state: "failure", description: `${failed} of ${runs.length} runs failed` };
}

/** The sweep's exit code: the first failed run's (by index), 0 when all succeeded, null when that run recorded none. */
export function sweepExitCode(runs: readonly SweepRun[]): number | null {
  const failed = runs.find((r) => r.exitCode !== 0);
  return failed === undefined ? 0 : (failed.exitCode ?? null);
}
