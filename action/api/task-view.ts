import type { TaskView } from "../../core/api/types.js";
import { taskUrl, type ActionContext } from "../action-context.js";
import { artifactViews, contextOf, type TaskRecord } from "../tasks/task-record.js";

/** A task as the API shows it. */
export function toTaskView(ctx: Pick<ActionContext, "baseUrl">, task: TaskRecord): TaskView {
  return {
    id: task.id,
    user: task.user,
    repo: task.repo,
    branch: task.branch,
    commit: task.commit,
    name: task.name,
    state: task.state,
    forgeState: task.forgeState,
    description: task.description,
    context: contextOf(task),
    createdAt: task.createdAt,
    updatedAt: task.updatedAt,
    targetUrl: taskUrl(ctx, task.id),
    exitCode: task.exitCode,
    artifacts: artifactViews(task),
    ...(task.output !== null ? { output: task.output } : {}),
    ...(task.runner !== null ? { runner: task.runner } : {}),
  };
}
