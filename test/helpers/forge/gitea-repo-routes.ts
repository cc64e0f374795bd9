import { gitIn, readCommit, readRefs } from "./bare-repo.js";
import { ApiError, type ApiContext, type ApiHandler } from "./forge-dialect.js";
import { needUser, repoAccess } from "./forge-actions.js";
import { permits } from "./forge-state.js";
import { giteaPaged } from "./gitea-paging.js";
import { giteaPayloadCommit, giteaRepo, giteaUser } from "./gitea-json.js";

// Gitea's account, repository, branch and ref routes.

export const giteaRepoRoutes: Record<string, ApiHandler> = {
  userGetCurrent(ctx) {
    return { status: 200, body: giteaUser(ctx.core, needUser(ctx).login) };
  },

  async repoGet(ctx) {
    const { repo, permission } = repoAccess(ctx, "read");
    const refs = await readRefs(repo.dir);
    const branchCount = [...refs.keys()].filter((r) => r.startsWith("refs/heads/")).length;
    return { status: 200, body: giteaRepo(ctx.core, repo, permission, { branchCount, empty: refs.size === 0 }) };
  },

  async repoListBranches(ctx) {
    const { repo, permission } = repoAccess(ctx, "read");
    const refs = [...(await readRefs(repo.dir))].filter(([r]) => r.startsWith("refs/heads/"));
    const branches = await Promise.all(
      refs.map(async ([ref, sha]) => ({
        name: ref.slice("refs/heads/".length),
        commit: giteaPayloadCommit(ctx.core, ctx.state, repo, await readCommit(repo.dir, sha), { forApi: true }),
        protected: false,
        required_approvals: 0,
        enable_status_check: false,
        status_check_contexts: [],
        user_can_push: permits(permission, "write"),
        user_can_merge: permits(permission, "write"),
        effective_branch_protection_name: "",
      })),
    );
    return giteaPaged(ctx, branches, (b) => b);
  },

  async repoListGitRefs(ctx) {
    const { repo } = repoAccess(ctx, "read");
    // Gitea filters by string prefix: heads/ailab also finds heads/ailab/x (and heads/ailabx).
    const refs = await listRefs(ctx, repo.dir, `refs/${ctx.params.ref ?? ""}`);
    if (refs.length === 0) throw new ApiError(404, "The target couldn't be found.");
    return { status: 200, body: refs };
  },

  async repoListAllGitRefs(ctx) {
    const { repo } = repoAccess(ctx, "read");
    return { status: 200, body: await listRefs(ctx, repo.dir, "refs/") };
  },

  orgListRepos(ctx) {
    const org = ctx.params.org ?? "";
    if (!ctx.state.orgs.has(org)) throw new ApiError(404, "org does not exist");
    return listVisibleRepos(ctx, org);
  },

  userListRepos(ctx) {
    const name = ctx.params.username ?? "";
    if (!ctx.state.users.has(name)) throw new ApiError(404, "user does not exist");
    return listVisibleRepos(ctx, name);
  },

  repoGetRepoPermissions(ctx) {
    const { repo, permission } = repoAccess(ctx, "read");
    const caller = needUser(ctx);
    const login = ctx.params.collaborator ?? "";
    if (!ctx.state.users.has(login)) throw new ApiError(404, "user does not exist");
    // Gitea: site admins and repo admins may ask about anyone, others only about themselves.
    if (!caller.admin && caller.login !== login && !permits(permission, "admin")) {
      throw new ApiError(403, "Only admins can query all permissions, repo admins can query all repo permissions, collaborators can query only their own");
    }
    const level = ctx.state.permission(login, repo);
    return { status: 200, body: { permission: level, role_name: level, user: giteaUser(ctx.core, login) } };
  },
};

function listVisibleRepos(ctx: ApiContext, owner: string) {
  const visible = ctx.state.reposOf(owner).filter((r) => ctx.state.permission(ctx.user?.login, r) !== "none");
  return giteaPaged(ctx, visible, (r) => giteaRepo(ctx.core, r, ctx.state.permission(ctx.user?.login, r)));
}

async function listRefs(ctx: ApiContext, dir: string, prefix: string) {
  const owner = ctx.params.owner ?? "";
  const name = ctx.params.repo ?? "";
  const out = await gitIn(dir, ["for-each-ref", "--format=%(objectname) %(objecttype) %(refname)"]);
  return out
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const [sha = "", type = "", ref = ""] = line.split(" ");
      return { sha, type, ref };
    })
    .filter((r) => r.ref.startsWith(prefix))
    .map((r) => ({
      ref: r.ref,
      url: `${ctx.core.apiUrl}/repos/${owner}/${name}/git/${r.ref}`,
      object: { type: r.type, sha: r.sha, url: `${ctx.core.apiUrl}/repos/${owner}/${name}/git/${r.type}s/${r.sha}` },
    }));
}
