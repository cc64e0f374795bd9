import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { TestContext } from "node:test";
import type { TaskView } from "../../core/api/types.js";
import { FINAL_STATES } from "../../core/api/types.js";
import { sha256 } from "../../core/hash.js";

/** What the fake server holds; tests change it while commands run. */
export interface FakeApiState {
  user: string;
  admin: boolean;
  token: string;
  tasks: TaskView[];
  /** Task id → its whole log text. */
  logs: Map<string, string>;
  /** Task id → artifact name → bytes. The listed sha256 comes from `listedSha256` or the bytes. */
  artifacts: Map<string, Map<string, Buffer>>;
  /** Overrides the sha256 the list gives for an artifact (to test mismatches). */
  listedSha256: Map<string, string>;
  /** Every request as "METHOD /path?query". */
  requests: string[];
}

/**
 * A small HTTP server on 127.0.0.1 that answers the routes of
 * core/api/types.ts the way the action does (Bearer token, 401, 404, 409,
 * log offsets and state headers), from an in-memory state. For unit tests
 * of the CLI's commands; the end-to-end test uses the real action.
 */
export async function startFakeApi(t: TestContext, initial: Partial<FakeApiState> = {}): Promise<{ url: string; state: FakeApiState }> {
  const state: FakeApiState = {
    user: "alice",
    admin: false,
    token: "tok-alice-0123456789",
    tasks: [],
    logs: new Map(),
    artifacts: new Map(),
    listedSha256: new Map(),
    requests: [],
    ...initial,
  };
  const server = createServer((req, res) => handle(state, req, res));
  server.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  t.after(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, state };
}

function handle(state: FakeApiState, req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? "/", "http://x");
  state.requests.push(`${req.method} ${url.pathname}${url.search}`);
  const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
    const bytes = Buffer.isBuffer(body) ? body : typeof body === "string" ? Buffer.from(body) : Buffer.from(JSON.stringify(body));
    res.writeHead(status, { "content-type": typeof body === "object" && !Buffer.isBuffer(body) ? "application/json" : "application/octet-stream", ...headers });
    res.end(bytes);
  };
  const error = (status: number, code: string, message: string) => send(status, { error: { code, message } });
  if (req.headers.authorization !== `Bearer ${state.token}`) return error(401, "Unauthorized", "bad token");

  const path = url.pathname;
  if (req.method === "GET" && path === "/api/whoami") return send(200, { user: state.user, admin: state.admin });
  if (req.method === "GET" && path === "/api/tasks") {
    const q = url.searchParams;
    const tasks = state.tasks.filter(
      (t) => (!q.get("repo") || t.repo === q.get("repo")) && (!q.get("branch") || t.branch === q.get("branch")) && (!q.get("commit") || t.commit === q.get("commit")),
    );
    return send(200, { tasks: [...tasks].reverse() });
  }
  const match = /^\/api\/tasks\/([^/]+)(?:\/(logs|cancel|artifacts)(?:\/([^/]+))?)?$/.exec(path);
  const task = match ? state.tasks.find((t) => t.id === decodeURIComponent(match[1]!)) : undefined;
  if (!match || !task) return error(404, "NotFound", "no such task");
  const [, , sub, name] = match;
  if (req.method === "GET" && sub === undefined) return send(200, task);
  if (req.method === "GET" && sub === "logs") {
    const offset = Number(url.searchParams.get("offset") ?? "0");
    const bytes = Buffer.from(state.logs.get(task.id) ?? "");
    const chunk = bytes.subarray(offset, offset + 16);
    return send(200, chunk, { "x-ailab-log-offset": String(offset + chunk.length), "x-ailab-task-state": task.state, "content-type": "text/plain" });
  }
  if (req.method === "POST" && sub === "cancel") {
    if (FINAL_STATES.includes(task.state)) return error(409, "TaskEnded", "already ended");
    task.state = "cancelled";
    task.forgeState = "failure";
    task.description = "cancelled";
    return send(202, task);
  }
  const files = state.artifacts.get(task.id) ?? new Map<string, Buffer>();
  if (req.method === "GET" && sub === "artifacts" && name === undefined) {
    const artifacts = [...files].map(([n, bytes]) => ({ name: n, size: bytes.length, sha256: state.listedSha256.get(n) ?? sha256(bytes) }));
    return send(200, { artifacts });
  }
  if (req.method === "GET" && sub === "artifacts" && name !== undefined) {
    const bytes = files.get(decodeURIComponent(name));
    return bytes ? send(200, bytes) : error(404, "NotFound", "no such artifact");
  }
  return error(404, "NotFound", "no such route");
}

/** A TaskView with plausible values; `over` replaces any of them. */
export function fakeTask(over: Partial<TaskView> = {}): TaskView {
  return {
    id: "mfz3k2a1b0-7f2k",
    user: "alice",
    repo: "alice/project",
    branch: "ailab/train",
    commit: "0123456789abcdef0123456789abcdef01234567",
    name: "train",
    state: "success",
    forgeState: "success",
    description: "completed in 0:00:03",
    context: "ailab/train",
    createdAt: "2024-01-01T00:00:00.000Z",
    updatedAt: "2024-01-01T00:00:05.000Z",
    targetUrl: "http://127.0.0.1/tasks/mfz3k2a1b0-7f2k",
    exitCode: 0,
    artifacts: [],
    ...over,
  };
}
