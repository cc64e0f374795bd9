import { gitIn } from "./bare-repo.js";
import { ApiError, type ApiContext, type ApiHandler } from "./forge-dialect.js";
import { needUser, repoAccess } from "./forge-actions.js";
import type { Permission } from "./forge-types.js";
import { githubPaged } from "./github-paging.js";
import { githubFullRepo, githubPrivateUser, githubRepo, githubUser } from "./github-json.js";

// GitHub's account, repository and ref routes.

export const githubRepoRoutes: Record<string, ApiHandler> = {
  "users/get-authenticated"(ctx) {
    if (!ctx.user) throw new ApiError(401, "Requires authentication");
    return { status: 200, body: githubPrivateUser(ctx.core, ctx.user.login) };
  },

  "repos/get"(ctx) {
    const { repo, permission } = repoAccess(ctx, "read");
    return { status: 200, body: githubFullRepo(ctx.core, repo, permission) };
  },

  async "git/list-matching-refs"(ctx) {
    const { repo } = repoAccess(ctx, "read");
    const prefix = `refs/${ctx.params.ref ?? ""}`;
    const out = await gitIn(repo.dir, ["for-each-ref", "--format=%(objectname) %(objecttype) %(refname)"]);
    const api = `${ctx.core.apiUrl}/repos/${repo.owner}/${repo.name}/git`;
    const refs = out
      .split("\n")
      .filter(Boolean)
      .map((line) => line.split(" "))
      .filter(([, , ref]) => (ref ?? "").startsWith(prefix))
      .map(([sha = "", type = "", ref = ""]) => ({
        ref,
        node_id: Buffer.from(`0:Ref${ref}`).toString("base64"),
        url: `${api}/${ref}`,
        object: { type, sha, url: `${api}/${type}s/${sha}` },
      }));
    // An empty array, not a 404, when nothing matches.
    return { status: 200, body: refs };
  },

  "repos/list-for-org"(ctx) {
    const org = ctx.params.org ?? "";
    if (!ctx.state.orgs.has(org)) throw new ApiError(404, "Not Found");
    return visibleRepos(ctx, org);
  },

  "repos/list-for-user"(ctx) {
    const name = ctx.params.username ?? "";
    if (!ctx.state.users.has(name)) throw new ApiError(404, "Not Found");
    return visibleRepos(ctx, name);
  },

  "repos/get-collaborator-permission-level"(ctx) {
    needUser(ctx);
    const { repo } = repoAccess(ctx, "read");
    const login = ctx.params.username ?? "";
    if (!ctx.state.users.has(login)) throw new ApiError(404, "Not Found");
    const level = githubLevel(ctx.state.permission(login, repo));
    const perms = { admin: level === "admin", maintain: level === "admin", push: level === "admin" || level === "write", triage: level !== "read" && level !== "none", pull: level !== "none" };
    return {
      status: 200,
      body: { permission: level, role_name: level, user: { ...githubUser(ctx.core, login), permissions: perms, role_name: level } },
    };
  },
};

/** GitHub has no `owner` level: owners are admins. */
function githubLevel(permission: Permission): "admin" | "write" | "read" | "none" {
  return permission === "owner" ? "admin" : permission;
}

function visibleRepos(ctx: ApiContext, owner: string) {
  const visible = ctx.state.reposOf(owner).filter((r) => ctx.state.permission(ctx.user?.login, r) !== "none");
  return githubPaged(ctx, visible, (r) => githubRepo(ctx.core, r, ctx.state.permission(ctx.user?.login, r)));
}
