import { openAsBlob } from "node:fs";
import { Octokit } from "@octokit/rest";
import { AilabError } from "../../../core/errors.js";
import { AILAB_REF_PREFIX } from "../../push/read-branch-refs.js";
import type { RemoteForgeConfig, RemoteForgeKind } from "../forge-config.js";

import type { Permission } from "../../users/accounts.js";

export interface ForgeUser {
  login: string;
  /** A site administrator of the forge. */
  admin: boolean;
}

export interface ReleaseInfo {
  id: number;
  body: string;
  assets: { id: number; name: string; size: number; downloadUrl: string }[];
}

export type HookTarget = { org: string } | { repo: string };

/** A forge request failed (the forge is down, refused the bot, or answered something unexpected). code "ForgeRequestFailed". */
export class ForgeRequestError extends AilabError {
  constructor(
    what: string,
    readonly status: number | undefined,
    detail: string,
  ) {
    super("ForgeRequestFailed", `forge: ${what} failed${status !== undefined ? ` (${status})` : ""}: ${detail}`, { status });
  }
}

/**
 * The forge's REST API as the action uses it, for Gitea, Forgejo and
 * GitHub: one client on @octokit/rest (which Gitea's API follows closely
 * enough), with the few places they differ written out here. Every call is
 * made as the bot; `authenticatedUser` alone uses a token it is given.
 */
export interface ForgeClient {
  readonly kind: RemoteForgeKind;
  /** The user a token belongs to (GET /user with that token); undefined when the forge refuses it. */
  authenticatedUser(token: string): Promise<ForgeUser | undefined>;
  /** The bot itself. */
  bot(): Promise<ForgeUser>;
  /** What `login` may do with `repo` ("owner/name"), asked as the bot. */
  permission(login: string, repo: string): Promise<Permission>;
  /** The repository's refs/heads/ailab/* and their commits, as the forge has them now. */
  listAilabRefs(repo: string): Promise<Map<string, string>>;
  /** "owner/name" of every repository of an organisation. */
  listOrgRepos(org: string): Promise<string[]>;
  /** Creates a push-and-delete webhook with the secret, active. */
  createHook(target: HookTarget, url: string, secret: string): Promise<{ id: number }>;
  createStatus(repo: string, sha: string, status: { state: string; description: string; context: string; targetUrl: string }): Promise<void>;
  findRelease(repo: string, tag: string): Promise<ReleaseInfo | undefined>;
  /** Creates the release, or finds the one a crash left behind (409 on Gitea, 422 on GitHub). */
  createRelease(repo: string, release: { tag: string; commit: string; name: string; body: string }): Promise<ReleaseInfo>;
  setReleaseBody(repo: string, id: number, body: string): Promise<void>;
  /** Uploads a file as an asset; "too-large" when the forge answers 413. */
  uploadAsset(repo: string, releaseId: number, name: string, path: string): Promise<"uploaded" | "too-large">;
  /** Where git fetches the repository from: always built from the configured URL, never from a payload. */
  cloneUrl(repo: string): string;
}

export function createForgeClient(config: RemoteForgeConfig, options: { fetch?: typeof fetch; userAgent?: string } = {}): ForgeClient {
  const doFetch = options.fetch ?? fetch;
  const userAgent = options.userAgent ?? "ailab-action";
  const octokitFor = (token: string) =>
    new Octokit({ baseUrl: config.apiUrl, auth: token, userAgent, request: { fetch: doFetch, retries: 0 }, log: quietLog });
  const api = octokitFor(config.token);
  const gitea = config.kind !== "github";
  let botUser: ForgeUser | undefined;

  const call = async <T>(what: string, work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (e) {
      throw asForgeError(what, e);
    }
  };

  return {
    kind: config.kind,

    async authenticatedUser(token) {
      try {
        const { data } = await octokitFor(token).rest.users.getAuthenticated();
        return toUser(data);
      } catch (e) {
        const status = statusOf(e);
        if (status === 401 || status === 403) return undefined;
        throw asForgeError("checking a token", e);
      }
    },

    async bot() {
      botUser ??= await call("reading the bot account", async () => toUser((await api.rest.users.getAuthenticated()).data));
      return botUser;
    },

    async permission(login, repo) {
      const { owner, name } = split(repo);
      try {
        const { data } = await api.rest.repos.getCollaboratorPermissionLevel({ owner, repo: name, username: login });
        return toPermission(data.permission);
      } catch (e) {
        // Gitea answers 404 for an unknown user, GitHub for a user who is no collaborator of a private repository.
        if (statusOf(e) === 404) return "none";
        throw asForgeError(`asking ${login}'s permission on ${repo}`, e);
      }
    },

    async listAilabRefs(repo) {
      const { owner, name } = split(repo);
      const refs = new Map<string, string>();
      const add = (list: { ref: string; object: { sha: string } }[]) => {
        for (const r of list) if (r.ref.startsWith(AILAB_REF_PREFIX)) refs.set(r.ref, r.object.sha.toLowerCase());
      };
      if (!gitea) {
        add(await call(`listing the branches of ${repo}`, () => api.paginate(api.rest.git.listMatchingRefs, { owner, repo: name, ref: "heads/ailab/" })));
        return refs;
      }
      try {
        // Gitea's "refs filtered by prefix": one call, an array (or 404 when no ref matches).
        // Spelled out: octokit would encode the slash of a {ref} parameter.
        const response = (await api.request(`GET /repos/${encodeURIComponent(owner)}/${encodeURIComponent(name)}/git/refs/heads/ailab`)) as { data: unknown };
        const list = (Array.isArray(response.data) ? response.data : [response.data]) as { ref: string; object: { sha: string } }[];
        add(list);
      } catch (e) {
        if (statusOf(e) !== 404) throw asForgeError(`listing the branches of ${repo}`, e);
      }
      return refs;
    },

    async listOrgRepos(org) {
      const repos = await call(`listing the repositories of ${org}`, () => api.paginate(api.rest.repos.listForOrg, (gitea ? { org, limit: 50 } : { org, per_page: 100 }) as never));
      return (repos as { full_name: string }[]).map((r) => r.full_name);
    },

    async createHook(target, url, secret) {
      const config_ = { url, content_type: "json", secret, ...(gitea ? {} : { insecure_ssl: "0" }) };
      const body = { ...(gitea ? { type: "gitea" } : { name: "web" }), config: config_, events: ["push", "delete"], active: true };
      if ("org" in target) {
        const { data } = await call(`creating a webhook on ${target.org}`, () => api.request("POST /orgs/{org}/hooks", { org: target.org, ...body } as never));
        return { id: (data as { id: number }).id };
      }
      const { owner, name } = split(target.repo);
      const { data } = await call(`creating a webhook on ${target.repo}`, () =>
        api.request("POST /repos/{owner}/{repo}/hooks", { owner, repo: name, ...body } as never),
      );
      return { id: (data as { id: number }).id };
    },

    async createStatus(repo, sha, status) {
      const { owner, name } = split(repo);
      await call(`setting status ${status.context} on ${repo}@${sha.slice(0, 12)}`, () =>
        api.rest.repos.createCommitStatus({
          owner,
          repo: name,
          sha,
          state: status.state as "pending",
          description: status.description,
          context: status.context,
          target_url: status.targetUrl,
        }),
      );
    },

    async findRelease(repo, tag) {
      const { owner, name } = split(repo);
      try {
        const { data } = await api.rest.repos.getReleaseByTag({ owner, repo: name, tag });
        return toRelease(data);
      } catch (e) {
        if (statusOf(e) === 404) return undefined;
        throw asForgeError(`reading release ${tag} of ${repo}`, e);
      }
    },

    async createRelease(repo, release) {
      const { owner, name } = split(repo);
      try {
        const { data } = await api.rest.repos.createRelease({
          owner,
          repo: name,
          tag_name: release.tag,
          target_commitish: release.commit,
          name: release.name,
          body: release.body,
          draft: false,
          // A pre-release never becomes the repository's "latest".
          prerelease: true,
        });
        return toRelease(data);
      } catch (e) {
        const status = statusOf(e);
        if (status === 409 || status === 422) {
          const existing = await this.findRelease(repo, release.tag);
          if (existing) return existing;
        }
        throw asForgeError(`creating release ${release.tag} of ${repo}`, e);
      }
    },

    async setReleaseBody(repo, id, body) {
      const { owner, name } = split(repo);
      await call(`updating release ${id} of ${repo}`, () => api.rest.repos.updateRelease({ owner, repo: name, release_id: id, body }));
    },

    async uploadAsset(repo, releaseId, name, path) {
      const { owner, name: repoName } = split(repo);
      const target = `${gitea ? config.apiUrl : config.uploadsUrl}/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repoName)}/releases/${releaseId}/assets?name=${encodeURIComponent(name)}`;
      // The file is read from disk as it is sent (openAsBlob), so a large asset never sits in memory.
      const blob = await openAsBlob(path);
      let body: FormData | Blob;
      const headers: Record<string, string> = { Authorization: `token ${config.token}`, "User-Agent": userAgent, Accept: "application/json" };
      if (gitea) {
        // Multipart with the field `attachment` is what every Gitea version takes.
        const form = new FormData();
        form.set("attachment", blob, name);
        body = form;
      } else {
        body = blob;
        headers["Content-Type"] = "application/octet-stream";
      }
      let response: Response;
      try {
        response = await doFetch(target, { method: "POST", headers, body });
      } catch (e) {
        throw new ForgeRequestError(`uploading ${name} to release ${releaseId} of ${repo}`, undefined, e instanceof Error ? e.message : String(e));
      }
      if (response.status === 413) return "too-large";
      if (!response.ok) {
        const text = (await response.text()).slice(0, 300);
        throw new ForgeRequestError(`uploading ${name} to release ${releaseId} of ${repo}`, response.status, text);
      }
      await response.arrayBuffer();
      return "uploaded";
    },

    cloneUrl(repo) {
      const { owner, name } = split(repo);
      return `${config.url}${encodeURIComponent(owner)}/${encodeURIComponent(name)}.git`;
    },
  };
}

function split(repo: string): { owner: string; name: string } {
  const [owner = "", name = ""] = repo.split("/");
  return { owner, name };
}

function toUser(data: { login: string; is_admin?: boolean; site_admin?: boolean }): ForgeUser {
  return { login: data.login, admin: data.is_admin === true || data.site_admin === true };
}

function toPermission(value: string): Permission {
  if (value === "owner" || value === "admin") return "admin";
  if (value === "write" || value === "maintain") return "write";
  if (value === "read" || value === "triage") return "read";
  return "none";
}

function toRelease(data: { id: number; body?: string | null; assets?: { id: number; name: string; size: number; browser_download_url: string }[] }): ReleaseInfo {
  return {
    id: data.id,
    body: data.body ?? "",
    assets: (data.assets ?? []).map((a) => ({ id: a.id, name: a.name, size: a.size, downloadUrl: a.browser_download_url })),
  };
}

function statusOf(e: unknown): number | undefined {
  return typeof e === "object" && e !== null && typeof (e as { status?: unknown }).status === "number" ? (e as { status: number }).status : undefined;
}

/** Octokit's error, reduced to the status and the forge's message (octokit keeps no token in its message). */
function asForgeError(what: string, e: unknown): ForgeRequestError {
  if (e instanceof ForgeRequestError) return e;
  const status = statusOf(e);
  const message = e instanceof Error ? e.message : String(e);
  return new ForgeRequestError(what, status, message.split("\n")[0]!.slice(0, 300));
}

const quietLog = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
