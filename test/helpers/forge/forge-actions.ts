import { randomUUID } from "node:crypto";
import { createTag, resolveCommit } from "./bare-repo.js";
import { ApiError, type ApiContext } from "./forge-dialect.js";
import { now, permits, type RepoRecord } from "./forge-state.js";
import type { AssetRecord, Permission, ReleaseRecord, StatusRow, StatusState } from "./forge-types.js";

// What both forges do the same way to their data; the dialects wrap these
// in their own routes, status codes and JSON.

/**
 * The repository of `{owner}/{repo}` when the caller may `need` it. A
 * repository the caller cannot read is a 404 (both forges hide it); anonymous
 * callers who need more than read get 401, others 403.
 */
export function repoAccess(ctx: ApiContext, need: Permission): { repo: RepoRecord; permission: Permission } {
  const repo = ctx.state.repo(ctx.params.owner ?? "", ctx.params.repo ?? "");
  const permission = repo ? ctx.state.permission(ctx.user?.login, repo) : "none";
  if (!repo || permission === "none") throw new ApiError(404, "The target couldn't be found.");
  if (!permits(permission, need)) {
    if (!ctx.user) throw new ApiError(401, "token is required");
    throw new ApiError(403, `user does not have ${need} access to ${repo.owner}/${repo.name}`);
  }
  return { repo, permission };
}

/** A logged-in caller, or 401. */
export function needUser(ctx: ApiContext): NonNullable<ApiContext["user"]> {
  if (!ctx.user) throw new ApiError(401, "token is required");
  return ctx.user;
}

/** A page of `items` (1-based `page`), with the total for X-Total-Count. */
export function page<T>(items: readonly T[], pageNumber: number, size: number): T[] {
  const p = Number.isFinite(pageNumber) && pageNumber > 0 ? pageNumber : 1;
  return items.slice((p - 1) * size, p * size);
}

/** Link header for a paged list, as both forges send it. */
export function linkHeader(baseUrl: string, query: URLSearchParams, pageNumber: number, size: number, total: number, sizeParam: string): string {
  const last = Math.max(1, Math.ceil(total / size));
  const link = (p: number, rel: string) => {
    const q = new URLSearchParams(query);
    q.set("page", String(p));
    q.set(sizeParam, String(size));
    return `<${baseUrl}?${q.toString()}>; rel="${rel}"`;
  };
  const parts: string[] = [];
  if (pageNumber < last) parts.push(link(pageNumber + 1, "next"), link(last, "last"));
  if (pageNumber > 1) parts.push(link(1, "first"), link(pageNumber - 1, "prev"));
  return parts.join(", ");
}

export function addStatus(repo: RepoRecord, sha: string, input: { state: StatusState; context?: string; description?: string; target_url?: string }, creator: string, id: number): StatusRow {
  const row: StatusRow = {
    id,
    index: repo.statuses.filter((r) => r.sha === sha).length + 1,
    sha,
    state: input.state,
    // Both forges file a status without a context under "default".
    context: input.context || "default",
    description: input.description ?? "",
    targetUrl: input.target_url ?? "",
    creator,
    createdAt: now(),
  };
  repo.statuses.push(row);
  return row;
}

export type CreateReleaseOutcome = { release: ReleaseRecord } | { error: "exists" | "bad-target" | "empty-repo" };

/**
 * A release for `tagName`. A missing tag is created at `target` (a sha or a
 * branch) unless the release is a draft, as both forges do; an existing tag
 * keeps where it points.
 */
export async function createRelease(
  repo: RepoRecord,
  input: { tagName: string; target?: string; name?: string; body?: string; draft?: boolean; prerelease?: boolean },
  author: string,
  id: number,
): Promise<CreateReleaseOutcome> {
  if (repo.releases.some((r) => r.tagName === input.tagName)) return { error: "exists" };
  const target = input.target || repo.defaultBranch;
  const tagged = await resolveCommit(repo.dir, `refs/tags/${input.tagName}`);
  if (!tagged) {
    const commit = await resolveCommit(repo.dir, target);
    if (!commit) return { error: (await resolveCommit(repo.dir, "HEAD")) ? "bad-target" : "empty-repo" };
    if (!input.draft) await createTag(repo.dir, input.tagName, commit);
  }
  const release: ReleaseRecord = {
    id,
    tagName: input.tagName,
    targetCommitish: target,
    name: input.name ?? "",
    body: input.body ?? "",
    draft: input.draft ?? false,
    prerelease: input.prerelease ?? false,
    author,
    createdAt: now(),
    assets: [],
  };
  repo.releases.push(release);
  return { release };
}

export function findRelease(repo: RepoRecord, id: number): ReleaseRecord {
  const release = repo.releases.find((r) => r.id === id);
  if (!release) throw new ApiError(404, "release not found");
  return release;
}

export function addAsset(release: ReleaseRecord, name: string, bytes: Buffer, contentType: string, id: number): AssetRecord {
  const asset: AssetRecord = { id, uuid: randomUUID(), name, contentType, bytes, createdAt: now(), downloadCount: 0 };
  release.assets.push(asset);
  return asset;
}

/** The asset with `uuid` in any repository, with its repository. */
export function assetByUuid(repos: Iterable<RepoRecord>, uuid: string): { repo: RepoRecord; asset: AssetRecord } | undefined {
  for (const repo of repos) for (const release of repo.releases) for (const asset of release.assets) if (asset.uuid === uuid) return { repo, asset };
  return undefined;
}

/** The upload's bytes and file name: a multipart field, or the raw body with `?name=`. */
export async function uploadedFile(ctx: ApiContext, field: string): Promise<{ bytes: Buffer; name: string | undefined; contentType: string }> {
  if (ctx.contentType === "multipart/form-data") {
    const file = ctx.form?.get(field);
    if (!file || typeof file === "string") throw new ApiError(400, `multipart field "${field}" with a file is required`);
    return { bytes: Buffer.from(await file.arrayBuffer()), name: ctx.query.get("name") || file.name, contentType: file.type || "application/octet-stream" };
  }
  return { bytes: ctx.raw, name: ctx.query.get("name") || undefined, contentType: ctx.contentType || "application/octet-stream" };
}
