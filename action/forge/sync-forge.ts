import { taskUrl, type ActionContext } from "../action-context.js";
import { getTask } from "../tasks/task-store.js";
import { contextOf, forgeStateOf } from "../tasks/task-record.js";
import { listUnsentUpdates, markUpdateFailed, markUpdateSent } from "./forge-outbox.js";

/**
 * Sends the forge outbox: each task's updates in the order they were made
 * (a status, then for an ended task its release). A task whose next update
 * fails, or is a progress update held back, waits with the rest of its
 * updates behind it; other tasks go on. A failure that is not the forge's
 * answer (the forge unreachable) ends the cycle: the next one retries.
 * Returns how many were sent.
 */
export async function syncForge(ctx: ActionContext): Promise<number> {
  let sent = 0;
  const waiting = new Set<string>();
  for (const update of listUnsentUpdates(ctx.db)) {
    if (waiting.has(update.taskId)) continue;
    const now = ctx.clock.now();
    if (update.notBefore > now) {
      waiting.add(update.taskId);
      continue;
    }
    const task = getTask(ctx.db, update.taskId);
    if (!task) {
      markUpdateSent(ctx.db, update.id, now);
      continue;
    }
    const targetUrl = taskUrl(ctx, task.id);
    try {
      if (update.kind === "status") {
        await ctx.forge.setStatus({
          repo: task.repo,
          commit: task.commit,
          context: contextOf(task),
          state: forgeStateOf(update.taskState),
          description: update.description,
          targetUrl,
          taskId: task.id,
        });
      } else {
        await ctx.forge.publishRelease({
          repo: task.repo,
          commit: task.commit,
          tag: `ailab/${task.id}`,
          taskId: task.id,
          title: `${contextOf(task)}: ${task.forgeState} — ${task.description}`,
          artifacts: task.artifacts,
          targetUrl,
        });
      }
    } catch (e) {
      markUpdateFailed(ctx.db, update, ctx.clock.now());
      waiting.add(update.taskId);
      // An outage fails every update: the first failures and then every tenth are enough to see it.
      if (update.attempts < 3 || update.attempts % 10 === 0) {
        ctx.log.warn("forge update failed; will retry", { task: task.id, kind: update.kind, attempt: update.attempts + 1, error: e });
      }
      if (isUnreachable(e)) break;
      continue;
    }
    markUpdateSent(ctx.db, update.id, ctx.clock.now());
    sent++;
  }
  return sent;
}

/** No answer from the forge at all (refused, reset, timed out): the rest would fail the same way. */
function isUnreachable(e: unknown): boolean {
  return typeof e === "object" && e !== null && "status" in e && (e as { status?: unknown }).status === undefined && "code" in e;
}
