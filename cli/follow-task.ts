import { FINAL_STATES, type TaskView } from "../core/api/types.js";
import type { ApiClient } from "./api-client.js";
import type { CliContext } from "./cli-context.js";
import { taskLine } from "./format-task.js";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * Asks the server about a task until it ends, printing each change of state
 * or description to stderr, and returns the task as it ended.
 */
export async function followTask(ctx: CliContext, api: ApiClient, id: string): Promise<TaskView> {
  let last = "";
  for (;;) {
    const task = await api.getTask(id);
    const line = taskLine(task);
    if (line !== last) {
      ctx.stderr.write(`${clockTime()} ${line}\n`);
      last = line;
    }
    if (FINAL_STATES.includes(task.state)) return task;
    await sleep(ctx.pollMs);
  }
}

function clockTime(): string {
  return new Date().toTimeString().slice(0, 8);
}
