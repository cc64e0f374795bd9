import { assetByUuid } from "./forge-actions.js";
import type { ApiResult, ForgeCore, ForgeDialect, WebRequest } from "./forge-dialect.js";
import type { FakeForge, FakeForgeOptions } from "./forge-types.js";
import { startForgeServer } from "./fake-forge-server.js";
import { giteaSpec } from "./gitea-spec.js";
import { giteaHookRoutes } from "./gitea-hook-routes.js";
import { giteaReleaseRoutes } from "./gitea-release-routes.js";
import { giteaRepoRoutes } from "./gitea-repo-routes.js";
import { giteaStatusRoutes } from "./gitea-status-routes.js";
import { giteaDeliveryHeaders, giteaPushEvents, giteaSerialise } from "./gitea-webhooks.js";

export interface FakeGiteaOptions extends FakeForgeOptions {
  /** `forgejo` adds the X-Forgejo-* headers and drops the installation-target header. Default `gitea`. */
  dialect?: "gitea" | "forgejo";
}

/**
 * A fake Gitea (or Forgejo) on 127.0.0.1 for integration tests: git over
 * smart HTTP, the `/api/v1` routes ailab uses, webhooks as Gitea sends them,
 * and every API exchange checked against Gitea's swagger description.
 *
 * @example
 *   const gitea = await startFakeGitea();
 *   t.after(() => gitea.stop());
 *   const alice = gitea.addUser("alice");
 *   const { cloneUrl } = gitea.addRepo("alice", "hw3");
 *   // … push, call the API with octokit at gitea.apiUrl …
 *   assert.deepEqual(gitea.violations, []);
 */
export async function startFakeGitea(options: FakeGiteaOptions = {}): Promise<FakeForge> {
  const forgejo = options.dialect === "forgejo";
  const dialect: ForgeDialect = {
    name: forgejo ? "Forgejo" : "Gitea",
    apiPrefix: "/api/v1",
    uploadPrefix: "/api/v1",
    spec: await giteaSpec(),
    handlers: { ...giteaRepoRoutes, ...giteaStatusRoutes, ...giteaReleaseRoutes, ...giteaHookRoutes },
    queryTokenParams: ["token", "access_token"],
    redeliveryKeepsId: false,
    specPath: giteaSpecPath,
    errorBody: (core, _status, message) => ({ message, url: `${core.url}api/swagger` }),
    web: giteaWeb,
    pushEvents: giteaPushEvents,
    hookWants: (hook, event) => hook.events.includes(event),
    serialise: giteaSerialise,
    deliveryHeaders: (hook, event, body, id) => giteaDeliveryHeaders(forgejo, hook, event, body, id),
  };
  return startForgeServer(dialect, options);
}

// Gitea's router gives these parameters the rest of the path (a tag like
// `ailab/t-1`, a ref like `heads/ailab`); the description's template takes
// one segment, so the rest is re-encoded as one before matching.
const REST_OF_PATH = /^(\/api\/v1\/repos\/[^/]+\/[^/]+\/(?:releases\/tags|git\/refs)\/)(.+)$/;

export function giteaSpecPath(pathname: string): string | undefined {
  if (pathname !== "/api/v1" && !pathname.startsWith("/api/v1/")) return undefined;
  const rest = REST_OF_PATH.exec(pathname);
  return rest ? `${rest[1] ?? ""}${(rest[2] ?? "").replace(/\//g, "%2F")}` : pathname;
}

/** `GET /attachments/{uuid}`: an asset's bytes, for anyone who may read its repository (tokens accepted). */
function giteaWeb(core: ForgeCore, request: WebRequest): ApiResult | undefined {
  const match = /^\/attachments\/([0-9a-f-]+)$/.exec(request.pathname);
  if (!match || (request.method !== "GET" && request.method !== "HEAD")) return undefined;
  const found = assetByUuid(core.state.repos.values(), match[1] ?? "");
  const readable = found && core.state.permission(request.user?.login, found.repo) !== "none";
  if (!found || !readable) {
    const status = found && !request.user ? 401 : 404;
    return { status, bytes: { data: Buffer.from(status === 401 ? "Unauthorized" : "Not Found"), contentType: "text/plain" } };
  }
  found.asset.downloadCount++;
  return {
    status: 200,
    bytes: { data: found.asset.bytes, contentType: found.asset.contentType },
    headers: { "content-disposition": `attachment; filename*=UTF-8''${encodeURIComponent(found.asset.name)}` },
  };
}
