import type { FinalState } from "../core/protocol/messages.js";
import type { FailureReason } from "./failure-reason.js";
import { formatElapsed } from "./format-elapsed.js";
import { sweepOutcome, type SweepRun } from "./sweep-runs.js";
import type { TaskRow } from "./task-rows.js";

/** Forges cut a commit status description at about 140 characters (GitHub at 140, Gitea at 255): stay within. */
export const DESCRIPTION_CHARS = 140;

export interface TaskOutcome {
  state: FinalState;
  description: string;
  /** The last lines of the failed job's output, when it wrote any. */
  output?: string;
}

/**
 * How a task ended, as the forge will show it: an outcome decided early
 * (cancelled, environment error, Slurm's time limit) stands; a sweep's runs
 * decide for a sweep (success only if every run succeeded, else `3 of 6
 * runs failed`, with the cause when Slurm gave one); otherwise the exit code
 * decides. A failure says why in the job's own words when `reason` (read
 * from the failed job's log, or the first failed run's) has any:
 * `exit code 1: ZeroDivisionError: division by zero`.
 */
export function taskOutcome(task: TaskRow, runs: readonly SweepRun[] = [], reason?: FailureReason): TaskOutcome {
  if (task.outcome) return { state: task.outcome, description: task.outcomeDescription ?? task.outcome };
  const took = task.startedAt !== null && task.endedAt !== null ? ` in ${formatElapsed(task.endedAt - task.startedAt)}` : "";
  if (runs.length > 0) {
    const outcome = sweepOutcome(runs, took);
    if (outcome.state === "success") return outcome;
    const cause = task.handle?.timedOut === true ? "time limit reached" : task.handle?.cancelled === true ? "cancelled in Slurm" : undefined;
    const description = cause === undefined ? outcome.description : `${outcome.description} (${cause})`;
    const failed = runs.find((r) => r.exitCode !== 0);
    return failedWith(description, reason, failed ? `run ${failed.index}: ` : "");
  }
  if (task.exitCode === 0) return { state: "success", description: `completed${took}` };
  if (task.exitCode === null) return failedWith("the job process ended without recording an exit code", reason);
  return failedWith(`exit code ${task.exitCode}`, reason);
}

/** `exit code 1` + `: ZeroDivisionError: …`, the reason cut so that the whole fits a commit status. */
function failedWith(description: string, reason: FailureReason | undefined, label = ""): TaskOutcome {
  if (!reason) return { state: "failure", description };
  const head = `${description}: ${label}`;
  const room = DESCRIPTION_CHARS - head.length;
  const line = [...reason.line].length > room ? `${[...reason.line].slice(0, Math.max(0, room - 1)).join("")}…` : reason.line;
  return { state: "failure", description: room > 8 ? `${head}${line}` : description, output: reason.output };
}

/**
 * The outcome once the results were over a collection limit (`overLimit`,
 * such as `results over the 2 GiB limit: 3.1 GiB; nothing uploaded`): a job
 * that succeeded did not deliver, so the task fails with that as its reason;
 * a job that failed keeps its own reason, with the limit after it where the
 * description has room.
 */
export function withResultsLimit(outcome: TaskOutcome, overLimit: string | undefined): TaskOutcome {
  if (overLimit === undefined) return outcome;
  if (outcome.state === "success") return { state: "failure", description: overLimit };
  const both = `${outcome.description} · ${overLimit}`;
  return [...both].length <= DESCRIPTION_CHARS ? { ...outcome, description: both } : outcome;
}
