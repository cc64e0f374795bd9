import type { Db } from "../core/db/open-database.js";
import type { RunnerContext } from "./runner-context.js";
import type { TaskRow } from "./task-rows.js";

/**
 * Whether a task of the same user that came before `task` is still being
 * built (released, not yet with the scheduler). Builds run side by side, but
 * a user's jobs go to the scheduler in push order: the queue decides the
 * order, not which environment happened to be ready first.
 */
export function earlierTaskUnsubmitted(db: Db, task: TaskRow): boolean {
  const row = db
    .prepare(
      `SELECT 1 FROM tasks AS earlier, tasks AS this
       WHERE this.id = ? AND earlier.user = this.user AND earlier.state = 'building'
         AND (earlier.received_at < this.received_at OR (earlier.received_at = this.received_at AND earlier.rowid < this.rowid))
       LIMIT 1`,
    )
    .get(task.id);
  return row !== undefined;
}

/** Waits, a poll interval at a time, until no earlier task of the user is left to submit, or `signal` aborts. */
export async function awaitTurnToSubmit(ctx: RunnerContext, task: TaskRow, signal: AbortSignal): Promise<void> {
  while (!signal.aborted && earlierTaskUnsubmitted(ctx.db, task)) await ctx.clock.sleep(ctx.config.pollMinMs, signal);
}
