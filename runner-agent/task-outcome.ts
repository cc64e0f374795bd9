import type { FinalState } from "../core/protocol/messages.js";
import { formatElapsed } from "./format-elapsed.js";
import type { TaskRow } from "./task-rows.js";

/**
 * How a task ended, as the forge will show it: an outcome decided early
 * (cancelled, environment error) stands; otherwise the exit code decides.
 */
export function taskOutcome(task: TaskRow): { state: FinalState; description: string } {
  if (task.outcome) return { state: task.outcome, description: task.outcomeDescription ?? task.outcome };
  if (task.exitCode === 0) {
    const took = task.startedAt !== null && task.endedAt !== null ? ` in ${formatElapsed(task.endedAt - task.startedAt)}` : "";
    return { state: "success", description: `completed${took}` };
  }
  if (task.exitCode === null) return { state: "failure", description: "the job process ended without recording an exit code" };
  return { state: "failure", description: `exit code ${task.exitCode}` };
}
