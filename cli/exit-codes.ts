import { CommanderError } from "commander";
import { AilabError } from "../core/errors.js";
import type { TaskState } from "../core/api/types.js";
import { TaskOutcomeError } from "./cli-errors.js";
import { afterState } from "./format-task.js";

/** Exit statuses, as gh uses them. */
export const ExitCode = {
  ok: 0,
  error: 1,
  cancelled: 2,
  auth: 4,
  pending: 8,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Maps whatever a command threw to the process's exit status. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode;
  if (error instanceof AilabError) {
    switch (error.code) {
      case "Unauthorized":
        return ExitCode.auth;
      case "TaskCancelled":
        return ExitCode.cancelled;
      case "TaskPending":
        return ExitCode.pending;
      default:
        return ExitCode.error;
    }
  }
  return ExitCode.error;
}

/**
 * The error (or nothing) that a task in `state` stands for: success is no
 * error; failure and error exit 1, cancelled 2, anything not final 8.
 */
export function outcomeOf(task: { id: string; state: TaskState; description: string }): TaskOutcomeError | undefined {
  const data = { taskId: task.id, state: task.state };
  switch (task.state) {
    case "success":
      return undefined;
    case "failure":
    case "error":
      return new TaskOutcomeError("TaskFailed", `task ${task.id} ended in ${task.state}: ${afterState(task.state, task.description)}`, data);
    case "cancelled":
      return new TaskOutcomeError("TaskCancelled", `task ${task.id} was cancelled: ${task.description}`, data);
    default:
      return new TaskOutcomeError("TaskPending", `task ${task.id} is still ${task.state}: ${task.description}`, data);
  }
}
