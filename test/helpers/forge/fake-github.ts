import type { ApiResult, ForgeCore, ForgeDialect, WebRequest } from "./forge-dialect.js";
import type { FakeForge, FakeForgeOptions } from "./forge-types.js";
import { startForgeServer } from "./fake-forge-server.js";
import { githubSpec, type GitHubDescription } from "./github-spec.js";
import { githubHookRoutes } from "./github-hook-routes.js";
import { githubReleaseRoutes } from "./github-release-routes.js";
import { githubRepoRoutes } from "./github-repo-routes.js";
import { githubStatusRoutes } from "./github-status-routes.js";
import { githubDeliveryHeaders, githubPushEvents } from "./github-webhooks.js";

export interface FakeGitHubOptions extends FakeForgeOptions {
  /** Which of @octokit/openapi's descriptions to validate against. Default api.github.com. */
  description?: GitHubDescription;
}

/**
 * A fake GitHub Enterprise Server on 127.0.0.1: git over smart HTTP, the REST
 * API under `/api/v3` (octokit `baseUrl: fake.apiUrl`), uploads under
 * `/api/uploads`, GitHub-style webhooks, and every API exchange checked
 * against GitHub's own OpenAPI description (npm @octokit/openapi).
 *
 * @example
 *   const github = await startFakeGitHub();
 *   t.after(() => github.stop());
 *   const octokit = new Octokit({ baseUrl: github.apiUrl, auth: github.addUser("alice").token });
 */
export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeForge> {
  const dialect: ForgeDialect = {
    name: "GitHub",
    apiPrefix: "/api/v3",
    uploadPrefix: "/api/uploads",
    spec: await githubSpec(options.description),
    handlers: { ...githubRepoRoutes, ...githubStatusRoutes, ...githubReleaseRoutes, ...githubHookRoutes },
    queryTokenParams: [],
    redeliveryKeepsId: true,
    specPath: githubSpecPath,
    errorBody: (core, status, message, extra) => ({ message, documentation_url: `${core.url}docs/rest`, status: String(status), ...extra }),
    web: githubWeb,
    pushEvents: githubPushEvents,
    hookWants: (hook, event) => hook.events.includes(event) || hook.events.includes("*"),
    // GitHub sends compact JSON.
    serialise: (payload) => JSON.stringify(payload),
    deliveryHeaders: githubDeliveryHeaders,
  };
  // GitHub waits 10 s for a receiver, Gitea 5 s.
  return startForgeServer(dialect, { deliverTimeoutMs: 10_000, ...options });
}

// Refs and tags may hold `/`; the description's templates take one segment.
const REST_OF_PATH = /^(\/api\/v3\/repos\/[^/]+\/[^/]+\/(?:releases\/tags|git\/matching-refs|git\/ref)\/)(.+)$/;

export function githubSpecPath(pathname: string): string | undefined {
  // GHES serves uploads beside the API; the description knows them under the API's paths.
  if (pathname.startsWith("/api/uploads/")) pathname = `/api/v3/${pathname.slice("/api/uploads/".length)}`;
  if (pathname !== "/api/v3" && !pathname.startsWith("/api/v3/")) return undefined;
  const rest = REST_OF_PATH.exec(pathname);
  return rest ? `${rest[1] ?? ""}${(rest[2] ?? "").replace(/\//g, "%2F")}` : pathname;
}

/** `GET /{owner}/{repo}/releases/download/{tag…}/{name}`: the asset's bytes (a token is accepted). */
function githubWeb(core: ForgeCore, request: WebRequest): ApiResult | undefined {
  const match = /^\/([^/]+)\/([^/]+)\/releases\/download\/(.+)\/([^/]+)$/.exec(request.pathname);
  if (!match || (request.method !== "GET" && request.method !== "HEAD")) return undefined;
  const [, owner = "", name = "", tag = "", file = ""] = match.map((part) => decodeURIComponent(part));
  const repo = core.state.repo(owner, name);
  const readable = repo && core.state.permission(request.user?.login, repo) !== "none";
  const asset = readable ? repo.releases.find((r) => r.tagName === tag)?.assets.find((a) => a.name === file) : undefined;
  if (!repo || !asset) return { status: 404, bytes: { data: Buffer.from("Not Found"), contentType: "text/plain" } };
  asset.downloadCount++;
  return {
    status: 200,
    bytes: { data: asset.bytes, contentType: asset.contentType },
    headers: { "content-disposition": `attachment; filename*=UTF-8''${encodeURIComponent(asset.name)}` },
  };
}
