import type { CommitInfo } from "./bare-repo.js";
import type { ForgeCore } from "./forge-dialect.js";
import type { ForgeState, RepoRecord } from "./forge-state.js";
import type { AssetRecord, HookRecord, Permission, ReleaseRecord, StatusRow } from "./forge-types.js";

// Gitea's JSON for the fake's records (modules/structs): field names and
// shapes as the swagger description has them. Go renders nil pointers as
// null where the description has no `x-nullable`; those fields are left out
// so that responses stay valid against the description.

const EPOCH = "1970-01-01T00:00:00Z";

/** A user or organisation as Gitea's `User`; webhooks render it without a viewer (placeholder email). */
export function giteaUser(core: ForgeCore, name: string, options: { placeholderEmail?: boolean } = {}): Record<string, unknown> {
  const { state, url } = core;
  const user = state.users.get(name);
  const org = state.orgs.get(name);
  const id = user?.id ?? org?.id ?? 0;
  const email = options.placeholderEmail || !user ? `${name}@noreply.localhost` : user.email;
  return {
    id,
    login: name,
    login_name: "",
    source_id: 0,
    full_name: user?.fullName ?? "",
    email,
    avatar_url: `${url}avatars/${id}`,
    html_url: `${url}${name}`,
    language: "",
    // Webhook payloads render users without a viewer: never an admin there.
    is_admin: options.placeholderEmail ? false : (user?.admin ?? false),
    last_login: EPOCH,
    created: user?.createdAt ?? org?.createdAt ?? EPOCH,
    restricted: false,
    active: true,
    prohibit_login: false,
    location: "",
    website: "",
    description: "",
    visibility: "public",
    followers_count: 0,
    following_count: 0,
    starred_repos_count: 0,
    // Gitea adds `username` for old clients.
    username: name,
  };
}

export function giteaRepo(core: ForgeCore, repo: RepoRecord, permission: Permission, options: { branchCount?: number; empty?: boolean; placeholderEmail?: boolean } = {}): Record<string, unknown> {
  const { url } = core;
  const full = `${repo.owner}/${repo.name}`;
  const perm = { admin: permission === "admin" || permission === "owner", push: permission !== "read" && permission !== "none", pull: permission !== "none" };
  return {
    id: repo.id,
    owner: giteaUser(core, repo.owner, options.placeholderEmail ? { placeholderEmail: true } : {}),
    name: repo.name,
    full_name: full,
    description: "",
    empty: options.empty ?? false,
    private: repo.private,
    fork: false,
    template: false,
    mirror: false,
    size: 0,
    language: "",
    languages_url: `${core.apiUrl}/repos/${full}/languages`,
    html_url: `${url}${full}`,
    url: `${core.apiUrl}/repos/${full}`,
    link: "",
    ssh_url: `ssh://git@127.0.0.1/${full}.git`,
    clone_url: `${url}${full}.git`,
    original_url: "",
    website: "",
    stars_count: 0,
    forks_count: 0,
    watchers_count: 0,
    open_issues_count: 0,
    open_pr_counter: 0,
    release_counter: repo.releases.length,
    default_branch: repo.defaultBranch,
    archived: false,
    created_at: repo.createdAt,
    updated_at: repo.createdAt,
    archived_at: EPOCH,
    permissions: perm,
    has_code: true,
    has_issues: true,
    internal_tracker: { enable_time_tracker: true, allow_only_contributors_to_track_time: true, enable_issue_dependencies: true },
    has_wiki: true,
    has_pull_requests: true,
    has_projects: true,
    projects_mode: "all",
    has_releases: true,
    has_packages: true,
    has_actions: true,
    ignore_whitespace_conflicts: false,
    allow_merge_commits: true,
    allow_rebase: true,
    allow_rebase_explicit: true,
    allow_squash_merge: true,
    allow_fast_forward_only_merge: true,
    allow_rebase_update: true,
    allow_manual_merge: false,
    autodetect_manual_merge: false,
    default_delete_branch_after_merge: false,
    default_merge_style: "merge",
    default_allow_maintainer_edit: false,
    avatar_url: "",
    internal: false,
    mirror_interval: "",
    object_format_name: "sha1",
    mirror_updated: EPOCH,
    topics: [],
    licenses: [],
    ...(options.branchCount === undefined ? {} : { branch_count: options.branchCount }),
  };
}

export function giteaStatus(core: ForgeCore, repo: RepoRecord, row: StatusRow): Record<string, unknown> {
  return {
    id: row.index,
    status: row.state,
    target_url: row.targetUrl,
    description: row.description,
    url: `${core.apiUrl}/repos/${repo.owner}/${repo.name}/statuses/${row.sha}`,
    context: row.context,
    creator: giteaUser(core, row.creator),
    created_at: row.createdAt,
    updated_at: row.createdAt,
  };
}

export function giteaAsset(core: ForgeCore, asset: AssetRecord): Record<string, unknown> {
  return {
    id: asset.id,
    name: asset.name,
    size: asset.bytes.length,
    download_count: asset.downloadCount,
    created_at: asset.createdAt,
    uuid: asset.uuid,
    browser_download_url: `${core.url}attachments/${asset.uuid}`,
  };
}

export function giteaRelease(core: ForgeCore, repo: RepoRecord, release: ReleaseRecord): Record<string, unknown> {
  const full = `${repo.owner}/${repo.name}`;
  return {
    id: release.id,
    tag_name: release.tagName,
    target_commitish: release.targetCommitish,
    name: release.name,
    body: release.body,
    url: `${core.apiUrl}/repos/${full}/releases/${release.id}`,
    html_url: `${core.url}${full}/releases/tag/${release.tagName}`,
    tarball_url: `${core.url}${full}/archive/${release.tagName}.tar.gz`,
    zipball_url: `${core.url}${full}/archive/${release.tagName}.zip`,
    // A plain URL, no {?name,label} template (unlike GitHub).
    upload_url: `${core.apiUrl}/repos/${full}/releases/${release.id}/assets`,
    draft: release.draft,
    prerelease: release.prerelease,
    created_at: release.createdAt,
    published_at: release.createdAt,
    author: giteaUser(core, release.author),
    assets: release.assets.map((a) => giteaAsset(core, a)),
  };
}

export function giteaHook(hook: HookRecord): Record<string, unknown> {
  // Gitea never shows the secret back.
  return {
    id: hook.id,
    type: hook.type,
    branch_filter: hook.branchFilter,
    config: { url: hook.url, content_type: hook.contentType, http_method: "post" },
    events: hook.events,
    authorization_header: hook.authorizationHeader ? "******" : "",
    active: hook.active,
    updated_at: hook.updatedAt,
    created_at: hook.createdAt,
  };
}

/** A commit as PayloadCommit (webhooks, branches). */
export function giteaPayloadCommit(core: ForgeCore, state: ForgeState, repo: RepoRecord, commit: CommitInfo, options: { forApi?: boolean } = {}): Record<string, unknown> {
  // `username` is the login whose email the git identity uses, else empty.
  const loginFor = (email: string) => [...state.users.values()].find((u) => u.email === email)?.login ?? "";
  return {
    id: commit.id,
    message: `${commit.message}\n`,
    url: `${core.url}${repo.owner}/${repo.name}/commit/${commit.id}`,
    author: { name: commit.author.name, email: commit.author.email, username: loginFor(commit.author.email) },
    committer: { name: commit.committer.name, email: commit.committer.email, username: loginFor(commit.committer.email) },
    // Webhooks carry null (unsigned); the description has no x-nullable, so API answers leave it out.
    ...(options.forApi ? {} : { verification: null }),
    timestamp: commit.committer.date,
    added: commit.added,
    removed: commit.removed,
    modified: commit.modified,
  };
}
