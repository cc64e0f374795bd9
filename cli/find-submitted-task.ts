import { setTimeout as sleep } from "node:timers/promises";
import type { TaskView } from "../core/api/types.js";
import type { ApiClient, TaskQuery } from "./api-client.js";
import { UsageError } from "./cli-errors.js";

/**
 * After a push, waits for the server to list the task it made for
 * (repo, branch, commit): a task not among `before`. When the push changed
 * nothing (`upToDate`) the server makes no new task, so the newest of
 * `before` is the answer. UsageError "TaskNotFound" after `timeoutMs`.
 */
export async function findSubmittedTask(
  api: ApiClient,
  query: Required<TaskQuery>,
  before: readonly TaskView[],
  options: { upToDate: boolean; pollMs: number; timeoutMs: number },
): Promise<TaskView> {
  if (options.upToDate && before[0]) return before[0];
  const known = new Set(before.map((t) => t.id));
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const fresh = (await api.listTasks(query)).find((t) => !known.has(t.id));
    if (fresh) return fresh;
    if (Date.now() >= deadline) break;
    await sleep(Math.min(options.pollMs, 500));
  }
  if (before[0]) return before[0];
  throw new UsageError(
    "TaskNotFound",
    `pushed ${query.commit.slice(0, 8)} to ${query.branch}, but no task appeared for it within ${Math.round(options.timeoutMs / 1000)} s; see \`ailab list\``,
    query,
  );
}
