import { taskUrl, type ActionContext } from "../action-context.js";
import { listForgeDirty, markForgeSynced } from "../tasks/task-store.js";
import { contextOf, isFinal } from "../tasks/task-record.js";

/**
 * Tells the forge about every task whose state it has not seen yet: the
 * commit status, and for an ended task the release. A failure is logged and
 * retried on the next cycle (the task stays marked). Returns how many synced.
 */
export async function syncForge(ctx: ActionContext): Promise<number> {
  let synced = 0;
  for (const task of listForgeDirty(ctx.db)) {
    const targetUrl = taskUrl(ctx, task.id);
    try {
      await ctx.forge.setStatus({
        repo: task.repo,
        commit: task.commit,
        context: contextOf(task),
        state: task.forgeState,
        description: task.description,
        targetUrl,
        taskId: task.id,
      });
      if (isFinal(task.state)) {
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
      ctx.log.warn("forge update failed; will retry", { task: task.id, error: e });
      continue;
    }
    markForgeSynced(ctx.db, task);
    synced++;
  }
  return synced;
}
