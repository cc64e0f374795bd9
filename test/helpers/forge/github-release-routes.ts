import { ApiError, type ApiContext, type ApiHandler } from "./forge-dialect.js";
import { addAsset, createRelease, findRelease, needUser, repoAccess } from "./forge-actions.js";
import { permits, type RepoRecord } from "./forge-state.js";
import type { ReleaseRecord } from "./forge-types.js";
import { githubPaged } from "./github-paging.js";
import { githubAsset, githubDownloadUrl, githubRelease } from "./github-json.js";
import { validation } from "./github-status-routes.js";

// GitHub's releases and release assets. Uploads arrive on /api/uploads
// (GHES) as the raw file with its own Content-Type.

interface ReleaseInput {
  tag_name?: string;
  target_commitish?: string;
  name?: string;
  body?: string;
  draft?: boolean;
  prerelease?: boolean;
}

export const githubReleaseRoutes: Record<string, ApiHandler> = {
  async "repos/create-release"(ctx) {
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
      if (outcome.error === "exists") throw validation("", { resource: "Release", code: "already_exists", field: "tag_name" });
      if (outcome.error === "bad-target") throw validation("", { resource: "Release", code: "invalid", field: "target_commitish" });
      throw validation("Repository is empty.");
    }
    return { status: 201, body: githubRelease(ctx.core, repo, outcome.release) };
  },

  "repos/list-releases"(ctx) {
    const { repo, permission } = repoAccess(ctx, "read");
    const visible = [...repo.releases].reverse().filter((r) => !r.draft || permits(permission, "write"));
    return githubPaged(ctx, visible, (r) => githubRelease(ctx.core, repo, r));
  },

  "repos/get-release"(ctx) {
    const { repo, release } = releaseAccess(ctx, "read");
    return { status: 200, body: githubRelease(ctx.core, repo, release) };
  },

  "repos/get-release-by-tag"(ctx) {
    const { repo } = repoAccess(ctx, "read");
    const release = repo.releases.find((r) => r.tagName === ctx.params.tag && !r.draft);
    if (!release) throw new ApiError(404, "Not Found");
    return { status: 200, body: githubRelease(ctx.core, repo, release) };
  },

  "repos/update-release"(ctx) {
    const { repo, release } = releaseAccess(ctx, "write");
    const input = (ctx.body ?? {}) as ReleaseInput;
    if (input.tag_name !== undefined) release.tagName = input.tag_name;
    if (input.target_commitish !== undefined) release.targetCommitish = input.target_commitish;
    if (input.name !== undefined) release.name = input.name;
    if (input.body !== undefined) release.body = input.body;
    if (input.draft !== undefined) release.draft = input.draft;
    if (input.prerelease !== undefined) release.prerelease = input.prerelease;
    return { status: 200, body: githubRelease(ctx.core, repo, release) };
  },

  "repos/delete-release"(ctx) {
    const { repo, release } = releaseAccess(ctx, "write");
    repo.releases.splice(repo.releases.indexOf(release), 1);
    return { status: 204 };
  },

  "repos/upload-release-asset"(ctx) {
    // GitHub keeps the body as the file, whatever it is: a multipart envelope would become the asset.
    if (ctx.contentType === "multipart/form-data") ctx.violation("request a multipart body to upload-release-asset is stored as the file itself; send the raw bytes");
    needUser(ctx);
    const { repo, release } = releaseAccess(ctx, "write");
    const file = { bytes: ctx.raw, name: ctx.query.get("name") ?? "", contentType: ctx.contentType || "application/octet-stream" };
    const name = file.name;
    if (release.assets.some((a) => a.name === name)) throw validation("", { resource: "ReleaseAsset", code: "already_exists", field: "name" });
    if (file.bytes.length > ctx.core.maxAssetBytes) throw new ApiError(413, "asset is too big");
    const asset = addAsset(release, name, file.bytes, file.contentType, ctx.state.id("asset"));
    return { status: 201, body: githubAsset(ctx.core, repo, release, asset) };
  },

  "repos/list-release-assets"(ctx) {
    const { repo, release } = releaseAccess(ctx, "read");
    return githubPaged(ctx, release.assets, (a) => githubAsset(ctx.core, repo, release, a));
  },

  "repos/get-release-asset"(ctx) {
    const { repo } = repoAccess(ctx, "read");
    const { release, asset } = assetOf(repo, Number(ctx.params.asset_id));
    // With Accept: application/octet-stream GitHub redirects to the file; fetch and octokit follow.
    if (String(ctx.headers.accept ?? "").includes("application/octet-stream")) {
      return { status: 302, headers: { location: githubDownloadUrl(ctx.core, repo, release, asset) } };
    }
    return { status: 200, body: githubAsset(ctx.core, repo, release, asset) };
  },

  "repos/delete-release-asset"(ctx) {
    const { repo } = repoAccess(ctx, "write");
    const { release, asset } = assetOf(repo, Number(ctx.params.asset_id));
    release.assets.splice(release.assets.indexOf(asset), 1);
    return { status: 204 };
  },
};

function releaseAccess(ctx: ApiContext, need: "read" | "write"): { repo: RepoRecord; release: ReleaseRecord } {
  const { repo, permission } = repoAccess(ctx, need);
  const release = findRelease(repo, Number(ctx.params.release_id));
  if (release.draft && !permits(permission, "write")) throw new ApiError(404, "Not Found");
  return { repo, release };
}

function assetOf(repo: RepoRecord, id: number) {
  for (const release of repo.releases) {
    const asset = release.assets.find((a) => a.id === id);
    if (asset) return { release, asset };
  }
  throw new ApiError(404, "Not Found");
}
