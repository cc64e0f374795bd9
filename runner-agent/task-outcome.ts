import type { FinalState } from "../core/protocol/messages.js";
import { formatElapsed } from "./format-elapsed.js";
import { sweepOutcome, type SweepRun } from "./sweep-runs.js";
import type { TaskRow } from "./task-rows.js";

/**
 * How a task ended, as the forge will show it: an outcome decided early
 * (cancelled, environment error, Slurm's time limit) stands; a sweep's runs
 * decide for a sweep (success only if every run succeeded, else `3 of 6
 * runs failed`, with the cause when Slurm gave one); otherwise the exit code
 * decides.
 */
export function taskOutcome(task: TaskRow, runs: readonly SweepRun[] = []): { state: FinalState; description: string } {
  if (task.outcome) return { state: task.outcome, description: task.outcomeDescription ?? task.outcome };
  const took = task.startedAt !== null && task.endedAt !== null ? ` in ${formatElapsed(task.endedAt - task.startedAt)}` : "";
  if (runs.length > 0) {
    const outcome = sweepOutcome(runs, took);
    const cause = task.handle?.timedOut === true ? "time limit reached" : task.handle?.cancelled === true ? "cancelled in Slurm" : undefined;
    return outcome.state === "success" || cause === undefined ? outcome : { ...outcome, description: `${outcome.description} (${cause})` };
  }
  if (task.exitCode === 0) return { state: "success", description: `completed${took}` };
  if (task.exitCode === null) return { state: "failure", description: "the job process ended without recording an exit code" };
  return { state: "failure", description: `exit code ${task.exitCode}` };
}
