import { ApiError, type ApiContext, type ApiHandler } from "./forge-dialect.js";
import { addAsset, createRelease, findRelease, needUser, repoAccess, uploadedFile } from "./forge-actions.js";
import { permits, type RepoRecord } from "./forge-state.js";
import type { ReleaseRecord } from "./forge-types.js";
import { giteaPaged } from "./gitea-paging.js";
import { giteaAsset, giteaRelease } from "./gitea-json.js";

// Gitea's releases and their attachments (release assets).

interface ReleaseInput {
  tag_name?: string;
  target_commitish?: string;
  name?: string;
  body?: string;
  draft?: boolean;
  prerelease?: boolean;
}

export const giteaReleaseRoutes: Record<string, ApiHandler> = {
  async repoCreateRelease(ctx) {
    const user = needUser(ctx);
    const { repo } = repoAccess(ctx, "write");
    const input = ctx.body as ReleaseInput;
    const outcome = await createRelease(
      repo,
      { tagName: input.tag_name ?? "", target: input.target_commitish, name: input.name, body: input.body, draft: input.draft, prerelease: input.prerelease },
      user.login,
      ctx.state.id("release"),
    );
    if ("error" in outcome) {
      if (outcome.error === "exists") throw new ApiError(409, "Release is has no Tag"); // sic: Gitea's own wording
      if (outcome.error === "bad-target") throw new ApiError(404, `target_commitish ${input.target_commitish ?? ""} not found`);
      throw new ApiError(422, "repository is empty");
    }
    return { status: 201, body: giteaRelease(ctx.core, repo, outcome.release) };
  },

  repoListReleases(ctx) {
    const { repo, permission } = repoAccess(ctx, "read");
    // Drafts only for writers; newest first.
    const visible = [...repo.releases].reverse().filter((r) => !r.draft || permits(permission, "write"));
    return giteaPaged(ctx, visible, (r) => giteaRelease(ctx.core, repo, r));
  },

  repoGetRelease(ctx) {
    const { repo, release } = releaseAccess(ctx, "read");
    return { status: 200, body: giteaRelease(ctx.core, repo, release) };
  },

  repoGetReleaseByTag(ctx) {
    const { repo } = repoAccess(ctx, "read");
    return { status: 200, body: giteaRelease(ctx.core, repo, byTag(repo, ctx.params.tag ?? "")) };
  },

  repoDeleteRelease(ctx) {
    const { repo, release } = releaseAccess(ctx, "write");
    remove(repo, release);
    return { status: 204 };
  },

  repoDeleteReleaseByTag(ctx) {
    const { repo } = repoAccess(ctx, "write");
    remove(repo, byTag(repo, ctx.params.tag ?? ""));
    return { status: 204 };
  },

  repoEditRelease(ctx) {
    const { repo, release } = releaseAccess(ctx, "write");
    const input = (ctx.body ?? {}) as ReleaseInput;
    if (input.tag_name !== undefined) release.tagName = input.tag_name;
    if (input.target_commitish !== undefined) release.targetCommitish = input.target_commitish;
    if (input.name !== undefined) release.name = input.name;
    if (input.body !== undefined) release.body = input.body;
    if (input.draft !== undefined) release.draft = input.draft;
    if (input.prerelease !== undefined) release.prerelease = input.prerelease;
    return { status: 200, body: giteaRelease(ctx.core, repo, release) };
  },

  async repoCreateReleaseAttachment(ctx) {
    needUser(ctx);
    const { release } = releaseAccess(ctx, "write");
    const file = await uploadedFile(ctx, "attachment");
    if (!file.name) throw new ApiError(400, "Could not get file name");
    if (file.bytes.length > ctx.core.maxAssetBytes) throw new ApiError(413, "attachment is too big");
    const asset = addAsset(release, file.name, file.bytes, file.contentType, ctx.state.id("asset"));
    return { status: 201, body: giteaAsset(ctx.core, asset) };
  },

  repoListReleaseAttachments(ctx) {
    const { release } = releaseAccess(ctx, "read");
    return { status: 200, body: release.assets.map((a) => giteaAsset(ctx.core, a)) };
  },

  repoGetReleaseAttachment(ctx) {
    const { release } = releaseAccess(ctx, "read");
    return { status: 200, body: giteaAsset(ctx.core, assetOf(ctx, release)) };
  },

  repoDeleteReleaseAttachment(ctx) {
    const { release } = releaseAccess(ctx, "write");
    const asset = assetOf(ctx, release);
    release.assets.splice(release.assets.indexOf(asset), 1);
    return { status: 204 };
  },
};

function releaseAccess(ctx: ApiContext, need: "read" | "write"): { repo: RepoRecord; release: ReleaseRecord } {
  const { repo, permission } = repoAccess(ctx, need);
  const release = findRelease(repo, Number(ctx.params.id));
  if (release.draft && !permits(permission, "write")) throw new ApiError(404, "release not found");
  return { repo, release };
}

function byTag(repo: RepoRecord, tag: string): ReleaseRecord {
  const release = repo.releases.find((r) => r.tagName === tag);
  if (!release) throw new ApiError(404, "release not found");
  return release;
}

function remove(repo: RepoRecord, release: ReleaseRecord): void {
  // The git tag stays, as in Gitea.
  repo.releases.splice(repo.releases.indexOf(release), 1);
}

function assetOf(ctx: ApiContext, release: ReleaseRecord) {
  const asset = release.assets.find((a) => a.id === Number(ctx.params.attachment_id));
  if (!asset) throw new ApiError(404, "attachment not found");
  return asset;
}
