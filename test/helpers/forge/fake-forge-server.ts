import { randomUUID } from "node:crypto";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { initBareRepo, readRefs } from "./bare-repo.js";
import { branchFilterMatches } from "./branch-filter.js";
import { authenticate, type AuthResult } from "./forge-auth.js";
import { ApiError, type ApiContext, type ApiResult, type ForgeCore, type ForgeDialect } from "./forge-dialect.js";
import { combineStates, ForgeState, newToken, now, permits, type RepoRecord, type UserRecord } from "./forge-state.js";
import type { FakeForge, FakeForgeOptions, HookRecord, RequestRecord } from "./forge-types.js";
import { serveGitCgi } from "./git-http-backend.js";
import { diffRefs, type RefChange } from "./ref-changes.js";
import { WebhookDeliverer } from "./webhook-deliverer.js";

// The part every fake forge shares: an HTTP server on 127.0.0.1 that serves
// git (through `git http-backend`), the REST API (routed and validated by the
// dialect's OpenAPI description) and downloads, and turns pushes into
// webhooks. What is forge-specific comes from the dialect.

const GIT_PATH = /^\/([^/]+)\/([^/]+?)(?:\.git)?\/(info\/refs|git-upload-pack|git-receive-pack)$/;
const DEFAULT_MAX_ASSET = 64 << 20;

export async function startForgeServer(dialect: ForgeDialect, options: FakeForgeOptions = {}): Promise<FakeForge> {
  const root = await mkdtemp(join(tmpdir(), "ailab-fake-forge-"));
  const reposRoot = join(root, "repos");
  await mkdir(reposRoot);
  const state = new ForgeState();
  const deliverer = new WebhookDeliverer(options.deliverTimeoutMs ?? 5000);
  const violations: string[] = [];
  const requests: RequestRecord[] = [];
  let down = false;
  let rewrite: ((body: unknown, operationId: string) => unknown) | undefined;

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      violations.push(`${req.method} ${req.url}: the fake itself failed: ${error instanceof Error ? error.stack : String(error)}`);
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end("fake forge error");
    });
  });
  server.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const core: ForgeCore = {
    url,
    apiUrl: url + dialect.apiPrefix.slice(1),
    uploadUrl: url + dialect.uploadPrefix.slice(1),
    state,
    maxAssetBytes: options.maxAssetBytes ?? DEFAULT_MAX_ASSET,
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = new URL(req.url ?? "/", url);
    const method = req.method ?? "GET";
    const record: RequestRecord = { method, path: `${target.pathname}${target.search}`, status: 0 };
    res.on("finish", () => {
      record.status = res.statusCode;
      requests.push(record);
    });
    if (down) {
      // Answered, not dropped: a client sees a forge that is there but failing, like a Gitea behind a proxy during a restart.
      send(res, 503, { "content-type": "text/plain" }, "fake forge is down (setDown)");
      return;
    }
    const auth = authenticate(state, req.headers, target.searchParams, dialect.queryTokenParams);
    const git = GIT_PATH.exec(target.pathname);
    if (git) return serveGit(req, res, auth, git[1] ?? "", git[2] ?? "", git[3] ?? "", target);
    const specPath = dialect.specPath(target.pathname);
    if (specPath !== undefined) return serveApi(req, res, auth, target, specPath, record);
    if ("error" in auth) return send(res, 401, { "content-type": "text/plain" }, auth.error);
    const web = await dialect.web(core, { method, pathname: target.pathname, query: target.searchParams, headers: req.headers, user: auth.user });
    if (!web) return send(res, 404, { "content-type": "text/plain" }, "404 page not found");
    sendResult(res, web);
  }

  async function serveGit(req: IncomingMessage, res: ServerResponse, auth: AuthResult, owner: string, name: string, action: string, target: URL): Promise<void> {
    const challenge = { "content-type": "text/plain", "www-authenticate": 'Basic realm="Gitea"' };
    if ("error" in auth) return send(res, 401, challenge, auth.error);
    const service = action === "info/refs" ? target.searchParams.get("service") ?? "" : action;
    const pushing = service === "git-receive-pack";
    const repo = state.repo(owner, name);
    const permission = repo ? state.permission(auth.user?.login, repo) : "none";
    // Unknown and unreadable repositories look the same: ask anonymous callers to log in, tell others it is not there.
    if (!repo || permission === "none" || (pushing && !auth.user)) {
      if (!auth.user) return send(res, 401, challenge, "authentication required");
      return send(res, 404, { "content-type": "text/plain" }, "repository not found");
    }
    if (pushing && !permits(permission, "write")) return send(res, 403, { "content-type": "text/plain" }, "you do not have write access");
    const pusher = auth.user;
    const refsBefore = pushing && action === "git-receive-pack" ? await readRefs(repo.dir) : undefined;
    await serveGitCgi(req, res, {
      projectRoot: reposRoot,
      pathInfo: `/${repo.id}.git/${action}`,
      query: target.search.slice(1),
      ...(pusher ? { remoteUser: pusher.login } : {}),
      beforeEnd: async () => {
        if (!refsBefore || !pusher) return;
        const changes = diffRefs(refsBefore, await readRefs(repo.dir));
        if (changes.length > 0) await queuePushEvents(repo, pusher, changes);
      },
    });
  }

  async function queuePushEvents(repo: RepoRecord, pusher: UserRecord, changes: readonly RefChange[]): Promise<void> {
    try {
      const events = await dialect.pushEvents(core, repo, pusher, changes);
      for (const event of events) {
        const candidates = event.change.kind === "branch" ? [event.change.shortName, event.change.ref] : [event.change.ref];
        for (const hook of hooksFor(repo)) {
          if (!hook.active || !dialect.hookWants(hook, event.event) || !branchFilterMatches(hook.branchFilter, candidates)) continue;
          const body = dialect.serialise(event.payload);
          const deliveryId = randomUUID();
          void deliverer.deliver({ hook, event: event.event, deliveryId, body, headers: dialect.deliveryHeaders(hook, event.event, body, deliveryId) });
        }
      }
    } catch (error) {
      violations.push(`push to ${repo.owner}/${repo.name}: building webhooks failed: ${error instanceof Error ? error.stack : String(error)}`);
    }
  }

  function hooksFor(repo: RepoRecord): HookRecord[] {
    return state.hooks.filter((h) =>
      h.scope.kind === "repository" ? h.scope.owner === repo.owner && h.scope.repo === repo.name : h.scope.org === repo.owner,
    );
  }

  async function serveApi(req: IncomingMessage, res: ServerResponse, auth: AuthResult, target: URL, specPath: string, record: RequestRecord): Promise<void> {
    const method = req.method ?? "GET";
    const where = `${method} ${target.pathname}`;
    const raw = await readBody(req);
    const fail = (status: number, message: string) =>
      sendJson(res, status, dialect.errorBody(core, status, message, {}));
    const op = dialect.spec.match(method, specPath);
    if (!op) {
      violations.push(`${where}: no such operation in the ${dialect.name} description`);
      return fail(404, "Not Found");
    }
    record.operationId = op.operationId;
    if ("error" in auth) return fail(401, auth.error);

    // Auth query parameters are security schemes, not operation parameters: keep them from the validator.
    const query = new URLSearchParams(target.searchParams);
    for (const name of dialect.queryTokenParams) query.delete(name);
    const contentTypeHeader = req.headers["content-type"] ?? "";
    const contentType = contentTypeHeader.split(";")[0]?.trim().toLowerCase() ?? "";
    const problems: string[] = [];
    let body: unknown;
    let form: FormData | undefined;
    let checked: unknown;
    if (raw.length > 0) {
      const consumes = dialect.spec.consumes(op);
      if (consumes.length > 0 && !consumes.includes(contentType) && !consumes.includes("*/*")) {
        problems.push(`content type "${contentType}" is not one the operation consumes (${consumes.join(", ")})`);
      }
      if (contentType === "application/json" || contentType.endsWith("+json")) {
        try {
          body = JSON.parse(raw.toString("utf8"));
          checked = body;
        } catch {
          problems.push("body is not valid JSON");
        }
      } else if (contentType === "multipart/form-data") {
        try {
          form = await new Response(raw, { headers: { "content-type": contentTypeHeader } }).formData();
          // Field values cannot be schema-checked as bytes; their names and presence can.
          checked = Object.fromEntries([...form.keys()].map((k) => [k, "<binary>"]));
        } catch {
          problems.push("body is not valid multipart/form-data");
        }
      }
    }
    const search = query.toString();
    problems.push(...dialect.spec.validateRequest({ method, path: specPath + (search ? `?${search}` : ""), headers: req.headers, body: checked }, op));
    if (problems.length > 0) {
      violations.push(...problems.map((p) => `${where} (${op.operationId}): request ${p}`));
      return fail(400, problems.join("; "));
    }
    const handler = dialect.handlers[op.operationId];
    if (!handler) {
      violations.push(`${where}: ${op.operationId} is in the description but the fake does not implement it`);
      return fail(404, "Not Found");
    }
    const ctx: ApiContext = {
      core,
      state,
      op,
      params: op.params,
      query,
      body,
      raw,
      contentType,
      headers: req.headers,
      user: auth.user,
      violation: (problem) => violations.push(`${where} (${op.operationId}): ${problem}`),
      ...(form ? { form } : {}),
    };
    let result: ApiResult;
    try {
      result = await handler(ctx);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      result = { status: error.status, body: dialect.errorBody(core, error.status, error.message, error.extra) };
    }
    if (rewrite && result.body !== undefined) {
      result = { ...result, body: rewrite(result.body, op.operationId) };
      rewrite = undefined;
    }
    const responseProblems = dialect.spec.validateResponse(result.status, result.bytes ? undefined : result.body, op);
    violations.push(...responseProblems.map((p) => `${where} (${op.operationId}): ${p}`));
    sendResult(res, result);
  }

  const forge: FakeForge = {
    url,
    apiUrl: core.apiUrl,
    uploadUrl: core.uploadUrl,
    violations,
    deliveries: deliverer.deliveries,
    requests,
    addUser(login, userOptions) {
      const user = state.addUser(login, userOptions);
      return { id: user.id, login, token: user.tokens[0] ?? "", password: user.password };
    },
    addToken(login) {
      const token = newToken();
      state.user(login).tokens.push(token);
      return token;
    },
    addOrg(name, { owners }) {
      const org = state.addOrg(name, owners);
      return { id: org.id, name };
    },
    addRepo(owner, name, repoOptions = {}) {
      if (!state.account(owner)) throw new Error(`fake forge: no user or org ${owner}`);
      if (state.repo(owner, name)) throw new Error(`fake forge: ${owner}/${name} exists`);
      const id = state.id("repo");
      const dir = join(reposRoot, `${id}.git`);
      const defaultBranch = repoOptions.defaultBranch ?? "main";
      initBareRepo(dir, defaultBranch);
      const repo: RepoRecord = {
        id,
        owner,
        name,
        private: repoOptions.private ?? false,
        defaultBranch,
        dir,
        collaborators: new Map(),
        statuses: [],
        releases: [],
        createdAt: now(),
      };
      state.repos.set(`${owner}/${name}`.toLowerCase(), repo);
      return { id, cloneUrl: `${url}${owner}/${name}.git`, htmlUrl: `${url}${owner}/${name}` };
    },
    setPermission(owner, repo, login, permission) {
      state.user(login);
      state.mustRepo(owner, repo).collaborators.set(login, permission);
    },
    statuses: (owner, repo, sha) => state.mustRepo(owner, repo).statuses.filter((r) => r.sha === sha).map((r) => ({ ...r })),
    combinedState: (owner, repo, sha) => combineStates(state.mustRepo(owner, repo).statuses.filter((r) => r.sha === sha)),
    releases: (owner, repo) => state.mustRepo(owner, repo).releases.map((r) => ({ ...r, assets: r.assets.map((a) => ({ ...a })) })),
    hooks: (owner, repo) =>
      state.hooks
        .filter((h) => (repo === undefined ? h.scope.kind === "organization" && h.scope.org === owner : h.scope.kind === "repository" && h.scope.owner === owner && h.scope.repo === repo))
        .map((h) => ({ ...h, events: [...h.events] })),
    repoDir: (owner, repo) => state.mustRepo(owner, repo).dir,
    setDown(value) {
      down = value;
    },
    dropDeliveries(value) {
      deliverer.dropping = value;
    },
    redeliver(index) {
      const old = deliverer.deliveries[index];
      if (!old) throw new Error(`fake forge: no delivery ${index}`);
      const hook = state.hooks.find((h) => h.id === old.hookId);
      if (!hook) throw new Error(`fake forge: hook ${old.hookId} of delivery ${index} was deleted`);
      return deliverer.redeliver(index, hook, dialect.redeliveryKeepsId ? undefined : randomUUID());
    },
    settled: () => deliverer.settled(),
    injectResponse(fn) {
      rewrite = fn;
    },
    async stop() {
      await deliverer.settled();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await rm(root, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
    },
  };
  return forge;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: string | Buffer): void {
  res.writeHead(status, headers);
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (body === undefined) return send(res, status, headers, "");
  send(res, status, { "content-type": "application/json;charset=utf-8", ...headers }, JSON.stringify(body));
}

function sendResult(res: ServerResponse, result: ApiResult): void {
  if (result.bytes) {
    send(res, result.status, { "content-type": result.bytes.contentType, "content-length": String(result.bytes.data.length), ...result.headers }, result.bytes.data);
  } else sendJson(res, result.status, result.body, result.headers);
}
