import { resolveCommit } from "./bare-repo.js";
import { ApiError, type ApiHandler } from "./forge-dialect.js";
import { addStatus, needUser, page, repoAccess } from "./forge-actions.js";
import { combineStates, latestPerContext, type RepoRecord } from "./forge-state.js";
import type { StatusState } from "./forge-types.js";
import { githubPaged } from "./github-paging.js";
import { githubRepo, githubStatus } from "./github-json.js";

// GitHub's commit statuses (error, failure, pending, success).

export const githubStatusRoutes: Record<string, ApiHandler> = {
  async "repos/create-commit-status"(ctx) {
    const user = needUser(ctx);
    const { repo } = repoAccess(ctx, "write");
    const input = ctx.body as { state: StatusState; context?: string; description?: string | null; target_url?: string | null };
    const sha = await resolveCommit(repo.dir, ctx.params.sha ?? "");
    if (!sha) throw validation(`No commit found for SHA: ${ctx.params.sha ?? ""}`);
    const row = addStatus(
      repo,
      sha,
      { state: input.state, context: input.context, description: input.description ?? undefined, target_url: input.target_url ?? undefined },
      user.login,
      ctx.state.id("status"),
    );
    return { status: 201, body: githubStatus(ctx.core, repo, row) };
  },

  async "repos/get-combined-status-for-ref"(ctx) {
    const { repo, permission } = repoAccess(ctx, "read");
    const sha = await commitOf(repo, ctx.params.ref ?? "");
    const latest = latestPerContext(repo.statuses.filter((r) => r.sha === sha));
    const pageNumber = Math.max(1, Number(ctx.query.get("page") ?? 1) || 1);
    const size = Math.min(100, Math.max(1, Number(ctx.query.get("per_page") ?? 100) || 100));
    const full = `${repo.owner}/${repo.name}`;
    return {
      status: 200,
      body: {
        // GitHub: pending when there is no status at all.
        state: combineStates(latest),
        statuses: page(latest, pageNumber, size).map((r) => githubStatus(ctx.core, repo, r)),
        sha,
        total_count: latest.length,
        repository: githubRepo(ctx.core, repo, permission),
        commit_url: `${ctx.core.apiUrl}/repos/${full}/commits/${sha}`,
        url: `${ctx.core.apiUrl}/repos/${full}/commits/${sha}/status`,
      },
    };
  },

  async "repos/list-commit-statuses-for-ref"(ctx) {
    const { repo } = repoAccess(ctx, "read");
    const sha = await commitOf(repo, ctx.params.ref ?? "");
    // Reverse chronological, as GitHub lists them.
    const rows = repo.statuses.filter((r) => r.sha === sha).reverse();
    return githubPaged(ctx, rows, (r) => githubStatus(ctx.core, repo, r));
  },
};

async function commitOf(repo: RepoRecord, ref: string): Promise<string> {
  const sha = await resolveCommit(repo.dir, ref);
  if (!sha) throw new ApiError(404, `No commit found for SHA: ${ref}`);
  return sha;
}

/** GitHub's 422 "Validation Failed" with one error. */
export function validation(message: string, error: Record<string, string> = {}): ApiError {
  return new ApiError(422, "Validation Failed", { errors: [{ message, code: "custom", ...error }] });
}
