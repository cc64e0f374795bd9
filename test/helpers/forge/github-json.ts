import { createHash } from "node:crypto";
import type { ForgeCore } from "./forge-dialect.js";
import type { RepoRecord } from "./forge-state.js";
import type { AssetRecord, HookRecord, Permission, ReleaseRecord, StatusRow } from "./forge-types.js";

// GitHub's JSON for the fake's records, with every field the REST
// description marks required (simple-user, full-repository, release, …).

const nodeId = (kind: string, id: number) => Buffer.from(`0:${kind}${id}`).toString("base64");

/** `simple-user` (also used for organisations, with type Organization). */
export function githubUser(core: ForgeCore, name: string): Record<string, unknown> {
  const user = core.state.users.get(name);
  const org = core.state.orgs.get(name);
  const id = user?.id ?? org?.id ?? 0;
  const api = `${core.apiUrl}/users/${name}`;
  return {
    login: name,
    id,
    node_id: nodeId(org ? "Organization" : "User", id),
    avatar_url: `${core.url}avatars/u/${id}`,
    gravatar_id: "",
    url: api,
    html_url: `${core.url}${name}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: org ? "Organization" : "User",
    user_view_type: "public",
    site_admin: user?.admin ?? false,
  };
}

/** `private-user`, what GET /user answers. */
export function githubPrivateUser(core: ForgeCore, name: string): Record<string, unknown> {
  const user = core.state.users.get(name);
  const created = user?.createdAt ?? "1970-01-01T00:00:00Z";
  return {
    ...githubUser(core, name),
    name: user?.fullName || null,
    company: null,
    blog: "",
    location: null,
    email: user?.email ?? null,
    hireable: null,
    bio: null,
    twitter_username: null,
    public_repos: core.state.reposOf(name).filter((r) => !r.private).length,
    public_gists: 0,
    followers: 0,
    following: 0,
    created_at: created,
    updated_at: created,
    private_gists: 0,
    total_private_repos: core.state.reposOf(name).filter((r) => r.private).length,
    owned_private_repos: core.state.reposOf(name).filter((r) => r.private).length,
    disk_usage: 0,
    collaborators: 0,
    two_factor_authentication: false,
  };
}

function permissionsOf(permission: Permission) {
  const admin = permission === "admin" || permission === "owner";
  const push = admin || permission === "write";
  return { admin, maintain: admin, push, triage: push, pull: permission !== "none" };
}

/** `minimal-repository` fields, plus what full-repository and the push payload add. */
export function githubRepo(core: ForgeCore, repo: RepoRecord, permission: Permission): Record<string, unknown> {
  const full = `${repo.owner}/${repo.name}`;
  const api = `${core.apiUrl}/repos/${full}`;
  const html = `${core.url}${full}`;
  return {
    id: repo.id,
    node_id: nodeId("Repository", repo.id),
    name: repo.name,
    full_name: full,
    private: repo.private,
    owner: githubUser(core, repo.owner),
    html_url: html,
    description: null,
    fork: false,
    url: api,
    forks_url: `${api}/forks`,
    keys_url: `${api}/keys{/key_id}`,
    collaborators_url: `${api}/collaborators{/collaborator}`,
    teams_url: `${api}/teams`,
    hooks_url: `${api}/hooks`,
    issue_events_url: `${api}/issues/events{/number}`,
    events_url: `${api}/events`,
    assignees_url: `${api}/assignees{/user}`,
    branches_url: `${api}/branches{/branch}`,
    tags_url: `${api}/tags`,
    blobs_url: `${api}/git/blobs{/sha}`,
    git_tags_url: `${api}/git/tags{/sha}`,
    git_refs_url: `${api}/git/refs{/sha}`,
    trees_url: `${api}/git/trees{/sha}`,
    statuses_url: `${api}/statuses/{sha}`,
    languages_url: `${api}/languages`,
    stargazers_url: `${api}/stargazers`,
    contributors_url: `${api}/contributors`,
    subscribers_url: `${api}/subscribers`,
    subscription_url: `${api}/subscription`,
    commits_url: `${api}/commits{/sha}`,
    git_commits_url: `${api}/git/commits{/sha}`,
    comments_url: `${api}/comments{/number}`,
    issue_comment_url: `${api}/issues/comments{/number}`,
    contents_url: `${api}/contents/{+path}`,
    compare_url: `${api}/compare/{base}...{head}`,
    merges_url: `${api}/merges`,
    archive_url: `${api}/{archive_format}{/ref}`,
    downloads_url: `${api}/downloads`,
    issues_url: `${api}/issues{/number}`,
    pulls_url: `${api}/pulls{/number}`,
    milestones_url: `${api}/milestones{/number}`,
    notifications_url: `${api}/notifications{?since,all,participating}`,
    labels_url: `${api}/labels{/name}`,
    releases_url: `${api}/releases{/id}`,
    deployments_url: `${api}/deployments`,
    created_at: repo.createdAt,
    updated_at: repo.createdAt,
    pushed_at: repo.createdAt,
    git_url: `git://127.0.0.1/${full}.git`,
    ssh_url: `git@127.0.0.1:${full}.git`,
    clone_url: `${html}.git`,
    svn_url: html,
    homepage: null,
    size: 0,
    stargazers_count: 0,
    watchers_count: 0,
    language: null,
    has_issues: true,
    has_projects: true,
    has_downloads: true,
    has_wiki: true,
    has_pages: false,
    has_discussions: false,
    forks_count: 0,
    mirror_url: null,
    archived: false,
    disabled: false,
    open_issues_count: 0,
    license: null,
    allow_forking: true,
    is_template: false,
    web_commit_signoff_required: false,
    topics: [],
    visibility: repo.private ? "private" : "public",
    forks: 0,
    open_issues: 0,
    watchers: 0,
    default_branch: repo.defaultBranch,
    permissions: permissionsOf(permission),
  };
}

/** `full-repository` (GET /repos/{owner}/{repo}). */
export function githubFullRepo(core: ForgeCore, repo: RepoRecord, permission: Permission): Record<string, unknown> {
  return { ...githubRepo(core, repo, permission), network_count: 0, subscribers_count: 0 };
}

export function githubStatus(core: ForgeCore, repo: RepoRecord, row: StatusRow): Record<string, unknown> {
  return {
    url: `${core.apiUrl}/repos/${repo.owner}/${repo.name}/statuses/${row.sha}`,
    avatar_url: null,
    id: row.id,
    node_id: nodeId("StatusContext", row.id),
    state: row.state,
    description: row.description || null,
    target_url: row.targetUrl || null,
    context: row.context,
    created_at: row.createdAt,
    updated_at: row.createdAt,
    creator: githubUser(core, row.creator),
  };
}

/** Where a browser downloads an asset: `<url>owner/repo/releases/download/<tag>/<name>`. */
export function githubDownloadUrl(core: ForgeCore, repo: RepoRecord, release: ReleaseRecord, asset: AssetRecord): string {
  const tag = release.tagName.split("/").map(encodeURIComponent).join("/");
  return `${core.url}${repo.owner}/${repo.name}/releases/download/${tag}/${encodeURIComponent(asset.name)}`;
}

export function githubAsset(core: ForgeCore, repo: RepoRecord, release: ReleaseRecord, asset: AssetRecord): Record<string, unknown> {
  return {
    url: `${core.apiUrl}/repos/${repo.owner}/${repo.name}/releases/assets/${asset.id}`,
    browser_download_url: githubDownloadUrl(core, repo, release, asset),
    id: asset.id,
    node_id: nodeId("ReleaseAsset", asset.id),
    name: asset.name,
    label: null,
    state: "uploaded",
    content_type: asset.contentType,
    size: asset.bytes.length,
    digest: `sha256:${createHash("sha256").update(asset.bytes).digest("hex")}`,
    download_count: asset.downloadCount,
    created_at: asset.createdAt,
    updated_at: asset.createdAt,
    uploader: githubUser(core, release.author),
  };
}

export function githubRelease(core: ForgeCore, repo: RepoRecord, release: ReleaseRecord): Record<string, unknown> {
  const full = `${repo.owner}/${repo.name}`;
  const api = `${core.apiUrl}/repos/${full}/releases/${release.id}`;
  return {
    url: api,
    html_url: `${core.url}${full}/releases/tag/${release.tagName}`,
    assets_url: `${api}/assets`,
    // GHES: the uploads host and a URI template, which octokit expands with name and label.
    upload_url: `${core.uploadUrl}/repos/${full}/releases/${release.id}/assets{?name,label}`,
    tarball_url: `${core.apiUrl}/repos/${full}/tarball/${release.tagName}`,
    zipball_url: `${core.apiUrl}/repos/${full}/zipball/${release.tagName}`,
    id: release.id,
    node_id: nodeId("Release", release.id),
    tag_name: release.tagName,
    target_commitish: release.targetCommitish,
    name: release.name || null,
    body: release.body || null,
    draft: release.draft,
    prerelease: release.prerelease,
    created_at: release.createdAt,
    published_at: release.draft ? null : release.createdAt,
    author: githubUser(core, release.author),
    assets: release.assets.map((a) => githubAsset(core, repo, release, a)),
  };
}

export function githubHook(core: ForgeCore, hook: HookRecord): Record<string, unknown> {
  const base =
    hook.scope.kind === "repository" ? `${core.apiUrl}/repos/${hook.scope.owner}/${hook.scope.repo}/hooks/${hook.id}` : `${core.apiUrl}/orgs/${hook.scope.org}/hooks/${hook.id}`;
  const config = { url: hook.url, content_type: hook.contentType, insecure_ssl: "0", ...(hook.secret ? { secret: "********" } : {}) };
  const common = {
    id: hook.id,
    url: base,
    ping_url: `${base}/pings`,
    deliveries_url: `${base}/deliveries`,
    name: "web",
    events: hook.events,
    active: hook.active,
    config,
    updated_at: hook.updatedAt,
    created_at: hook.createdAt,
  };
  if (hook.scope.kind === "organization") return { ...common, type: "Organization" };
  return { ...common, type: "Repository", test_url: `${base}/test`, last_response: { code: null, status: "unused", message: null } };
}
