import type { IncomingMessage, ServerResponse } from "node:http";
import type { ActionContext } from "../action-context.js";
import { authenticate } from "../http/authenticate.js";
import { credentialScheme } from "../http/credentials.js";
import { sendError, sendJson } from "../http/respond.js";
import { listRunners } from "../runners/runner-store.js";
import { requestCancel } from "../tasks/request-cancel.js";
import { getTask } from "../tasks/task-store.js";
import { artifactViews, isFinal } from "../tasks/task-record.js";
import type { User } from "../users/user-store.js";
import { readLog } from "./read-log.js";
import { toRunnerViews } from "./runner-views.js";
import { toTaskView } from "./task-view.js";
import { findVisibleTask, listVisibleTasks, mayCancel } from "./visible-tasks.js";
import { whoAmI } from "./who-am-i.js";

/**
 * The HTTP API the CLI uses (see core/api/types.ts for the routes). Every
 * request needs a token (401 otherwise); one that changes something needs it
 * as a Bearer header, because HTTP Basic credentials are resent by a browser
 * on its own (403). A task the caller may not see is 404.
 */
export async function serveApi(ctx: ActionContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const auth = await authenticate(ctx.accounts, req);
  if (!auth.user) return sendError(res, 401, "Unauthorized", auth.reason);
  const user = auth.user;
  const method = req.method ?? "GET";
  if (method !== "GET" && method !== "HEAD" && credentialScheme(req) !== "bearer") {
    return sendError(res, 403, "BearerRequired", "a request that changes something needs the token as Authorization: Bearer <token>, not HTTP Basic");
  }
  const path = url.pathname;
  if (method === "GET" && path === "/api/whoami") {
    const forge = ctx.remote && { kind: ctx.remote.config.kind, url: ctx.remote.config.url, apiUrl: ctx.remote.config.apiUrl };
    return sendJson(res, 200, whoAmI(ctx.db, user, forge));
  }
  if (method === "GET" && path === "/api/runners") {
    const options = { admin: user.admin, now: ctx.clock.now(), staleMs: ctx.config.runnerStaleMs };
    return sendJson(res, 200, { runners: toRunnerViews(listRunners(ctx.db), options) });
  }
  if (method === "GET" && path === "/api/tasks") {
    const q = url.searchParams;
    const filter = { repo: q.get("repo") ?? undefined, branch: q.get("branch") ?? undefined, commit: q.get("commit") ?? undefined };
    return sendJson(res, 200, { tasks: (await listVisibleTasks(ctx.db, ctx.accounts, user, filter)).map((t) => toTaskView(ctx, t)) });
  }
  const match = /^\/api\/tasks\/([^/]+)(?:\/(logs|cancel|artifacts)(?:\/([^/]+))?)?$/.exec(path);
  if (!match) return sendError(res, 404, "NotFound", `no route ${method} ${path}`);
  const [, id = "", action, name] = match;
  const task = await findVisibleTask(ctx.db, ctx.accounts, user, id);
  if (!task) return sendError(res, 404, "NoSuchTask", `no task ${id}`);
  if (method === "GET" && !action) return sendJson(res, 200, toTaskView(ctx, task));
  if (method === "POST" && action === "cancel" && !name) {
    if (!(await mayCancel(ctx.accounts, user, task))) return sendError(res, 403, "Forbidden", `${user.name} may see task ${id} but not cancel it (needs write access to ${task.repo})`);
    return cancel(ctx, res, user, id);
  }
  if (method === "GET" && action === "logs" && !name) return logs(ctx, res, id, url, task.state);
  if (method === "GET" && action === "artifacts" && !name) return sendJson(res, 200, { artifacts: artifactViews(task) });
  if (method === "GET" && action === "artifacts" && name) return artifact(ctx, res, id, safeDecode(name));
  return sendError(res, 405, "MethodNotAllowed", `${method} is not allowed on ${path}`);
}

function cancel(ctx: ActionContext, res: ServerResponse, user: User, id: string): void {
  const task = getTask(ctx.db, id)!;
  if (isFinal(task.state)) return sendError(res, 409, "TaskEnded", `task ${id} has ended already (${task.state})`);
  requestCancel(ctx, task, `cancelled by ${user.name}`);
  sendJson(res, 202, toTaskView(ctx, getTask(ctx.db, id)!));
}

async function logs(ctx: ActionContext, res: ServerResponse, id: string, url: URL, state: string): Promise<void> {
  const raw = url.searchParams.get("offset") ?? "0";
  if (!/^\d{1,15}$/.test(raw)) return sendError(res, 400, "BadOffset", `offset ${JSON.stringify(raw)} is not a byte offset such as 0 or 1024`);
  const { bytes, next } = await readLog(ctx.store, id, Number(raw));
  res.writeHead(200, {
    "Content-Type": "text/plain; charset=utf-8",
    "Content-Length": bytes.length,
    "X-Ailab-Log-Offset": String(next),
    "X-Ailab-Task-State": state,
    "Cache-Control": "no-store",
  });
  res.end(bytes);
}

async function artifact(ctx: ActionContext, res: ServerResponse, id: string, name: string): Promise<void> {
  const task = getTask(ctx.db, id)!;
  const found = task.artifacts.find((a) => a.name === name);
  if (!found) return sendError(res, 404, "NoSuchArtifact", `task ${id} has no artifact ${JSON.stringify(name)}`);
  const stream = await ctx.store.getStream(found.key);
  if (!stream) return sendError(res, 404, "ArtifactGone", `artifact ${JSON.stringify(name)} of task ${id} is no longer in the relay`);
  res.writeHead(200, {
    "Content-Type": "application/octet-stream",
    "Content-Length": found.size,
    "Content-Disposition": `attachment; filename="${found.name}"`,
    "X-Ailab-Sha256": found.sha256,
  });
  stream.on("error", (e) => {
    ctx.log.warn("artifact stream failed", { task: id, name, error: e });
    res.destroy();
  });
  stream.pipe(res);
}

/** A URL segment decoded; a malformed escape is kept as written (and then matches no artifact). */
function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
