import type { TaskView } from "../core/api/types.js";
import { TASK_ID_PATTERN } from "../core/ids.js";
import type { ApiClient } from "./api-client.js";
import type { CliContext } from "./cli-context.js";
import { UsageError } from "./cli-errors.js";
import type { StoredLogin } from "./config-store.js";
import { tryOpenGitRepo } from "./git-repo.js";
import { resolvePushTarget } from "./push-target.js";

/**
 * Finds the task a user means by TASK|COMMIT|BRANCH: a task id; a branch
 * (`ailab/train` or just `train`), newest task first, in the current
 * repository when there is one; or a commit (any revision git resolves
 * here, such as a hash prefix or HEAD). UsageError "TaskNotFound" otherwise.
 */
export async function resolveTask(ctx: CliContext, api: ApiClient, login: StoredLogin, ref: string): Promise<TaskView> {
  if (TASK_ID_PATTERN.test(ref)) return api.getTask(ref);

  const repo = await tryOpenGitRepo(ctx, ctx.cwd);
  const repoKey = repo ? (await resolvePushTarget(repo, login).catch(() => undefined))?.repo : undefined;
  const newest = async (query: { branch?: string; commit?: string }) => {
    const here = repoKey ? await api.listTasks({ ...query, repo: repoKey }) : [];
    return here[0] ?? (await api.listTasks(query))[0];
  };

  const looksLikeHash = /^[0-9a-f]{7,40}$/i.test(ref);
  if (!looksLikeHash || ref.startsWith("ailab/")) {
    const byBranch = await newest({ branch: ref.startsWith("ailab/") ? ref : `ailab/${ref}` });
    if (byBranch) return byBranch;
  }
  const commit = (await repo?.tryResolveCommit(ref)) ?? (/^[0-9a-f]{40}$/i.test(ref) ? ref.toLowerCase() : undefined);
  if (commit) {
    const byCommit = await newest({ commit });
    if (byCommit) return byCommit;
  }
  throw new UsageError("TaskNotFound", `no task found for ${JSON.stringify(ref)} (tried it as a task id, a branch ailab/… and a commit)`, { ref });
}
