import { AilabError } from "../core/errors.js";

/**
 * Errors the command line raises itself. Each code maps to one exit status in
 * `exitCodeFor` (gh's convention), so a command only has to throw.
 */

/** No login stored, or the server refused the token. Exit 4. */
export class AuthError extends AilabError {
  constructor(message: string, data: Record<string, unknown> = {}) {
    super("Unauthorized", message, data);
  }
}

/** What the user asked for is wrong or cannot be done (bad argument, missing file). Exit 1. */
export class UsageError extends AilabError {
  constructor(code: string, message: string, data: Record<string, unknown> = {}) {
    super(code, message, data);
  }
}

/** The server answered with an error other than 401. Exit 1. */
export class ApiRequestError extends AilabError {
  readonly status: number;
  constructor(status: number, code: string, message: string, data: Record<string, unknown> = {}) {
    super(code, message, { status, ...data });
    this.status = status;
  }
}

/**
 * A task ended in a state that is not success (exit 1 for failure/error,
 * 2 for cancelled), or has not ended yet (exit 8). Thrown by `submit --wait`,
 * `status` and `pull` so the exit status reflects the job.
 */
export class TaskOutcomeError extends AilabError {
  constructor(
    code: "TaskFailed" | "TaskCancelled" | "TaskPending",
    message: string,
    data: Record<string, unknown> = {},
  ) {
    super(code, message, data);
  }
}
