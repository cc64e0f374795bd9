import { resolveCommit } from "./bare-repo.js";
import { ApiError, type ApiContext, type ApiHandler } from "./forge-dialect.js";
import { addStatus, needUser, page, repoAccess } from "./forge-actions.js";
import { combineStates, latestPerContext, type RepoRecord } from "./forge-state.js";
import type { StatusRow, StatusState } from "./forge-types.js";
import { giteaPaged } from "./gitea-paging.js";
import { giteaRepo, giteaStatus } from "./gitea-json.js";

// Gitea's commit statuses: every POST adds a row; the combined status
// takes the newest row per context.

export const giteaStatusRoutes: Record<string, ApiHandler> = {
  async repoCreateStatus(ctx) {
    const user = needUser(ctx);
    const { repo } = repoAccess(ctx, "write");
    const input = (ctx.body ?? {}) as { state?: StatusState; context?: string; description?: string; target_url?: string };
    if (!input.state) throw new ApiError(400, "state is required");
    const sha = await resolveCommit(repo.dir, ctx.params.sha ?? "");
    if (!sha) throw new ApiError(404, "commit not found");
    const row = addStatus(repo, sha, { ...input, state: input.state }, user.login, ctx.state.id("status"));
    return { status: 201, body: giteaStatus(ctx.core, repo, row) };
  },

  async repoGetCombinedStatusByRef(ctx) {
    const { repo, permission } = repoAccess(ctx, "read");
    const sha = await commitOf(repo, ctx.params.ref ?? "");
    const latest = latestPerContext(rowsOf(repo, sha));
    const pageNumber = Math.max(1, Number(ctx.query.get("page") ?? 1) || 1);
    const limit = Math.min(50, Math.max(1, Number(ctx.query.get("limit") ?? 30) || 30));
    const full = `${repo.owner}/${repo.name}`;
    return {
      status: 200,
      body: {
        // Gitea ≥ 1.25: pending (not "") when there is no status at all.
        state: combineStates(latest),
        sha,
        total_count: latest.length,
        statuses: page(latest, pageNumber, limit).map((r) => giteaStatus(ctx.core, repo, r)),
        repository: giteaRepo(ctx.core, repo, permission),
        commit_url: `${ctx.core.apiUrl}/repos/${full}/commits/${sha}`,
        url: `${ctx.core.apiUrl}/repos/${full}/commits/${sha}/status`,
      },
    };
  },

  async repoListStatusesByRef(ctx) {
    const { repo } = repoAccess(ctx, "read");
    return listed(ctx, repo, await commitOf(repo, ctx.params.ref ?? ""));
  },

  async repoListStatuses(ctx) {
    const { repo } = repoAccess(ctx, "read");
    return listed(ctx, repo, await commitOf(repo, ctx.params.sha ?? ""));
  },
};

async function commitOf(repo: RepoRecord, ref: string): Promise<string> {
  const sha = await resolveCommit(repo.dir, ref);
  if (!sha) throw new ApiError(404, `ref ${ref} not found`);
  return sha;
}

function rowsOf(repo: RepoRecord, sha: string): StatusRow[] {
  return repo.statuses.filter((r) => r.sha === sha);
}

function listed(ctx: ApiContext, repo: RepoRecord, sha: string) {
  const state = ctx.query.get("state");
  const sort = ctx.query.get("sort") ?? "recentupdate";
  let rows = rowsOf(repo, sha).filter((r) => !state || r.state === state);
  // Newest first unless an ascending sort is asked for.
  if (!["oldest", "leastupdate", "leastindex"].includes(sort)) rows = [...rows].reverse();
  return giteaPaged(ctx, rows, (r) => giteaStatus(ctx.core, repo, r));
}
