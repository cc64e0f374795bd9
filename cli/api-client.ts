import { z } from "zod";
import { ApiError, ArtifactView, RunnerView, TaskState, TaskView, WhoAmI } from "../core/api/types.js";
import { ApiRequestError, AuthError } from "./cli-errors.js";

/** Filters of GET /api/tasks; an unset one does not filter. */
export interface TaskQuery {
  repo?: string;
  branch?: string;
  commit?: string;
}

/** One read of a task's log from a byte offset. */
export interface LogChunk {
  text: string;
  /** Where the next read starts. */
  nextOffset: number;
  /** The task's state when the chunk was read. */
  state: TaskState | undefined;
}

/** The action's HTTP API (core/api/types.ts), typed and checked with zod. */
export interface ApiClient {
  readonly url: string;
  whoami(): Promise<WhoAmI>;
  /** The runners the action has heard from: what each offers, and its GPUs. */
  listRunners(): Promise<RunnerView[]>;
  listTasks(query?: TaskQuery): Promise<TaskView[]>;
  getTask(id: string): Promise<TaskView>;
  readLog(id: string, offset: number): Promise<LogChunk>;
  cancel(id: string): Promise<TaskView>;
  listArtifacts(id: string): Promise<ArtifactView[]>;
  /** The artifact's bytes as a stream (for large results). */
  downloadArtifact(id: string, name: string): Promise<ReadableStream<Uint8Array>>;
}

const TaskList = z.object({ tasks: z.array(TaskView) });
const RunnerList = z.object({ runners: z.array(RunnerView) });
const ArtifactList = z.object({ artifacts: z.array(ArtifactView) });

/**
 * A client for the server at `url`, authenticated with `token`. A 401 becomes
 * an AuthError (exit 4); other errors keep the server's code.
 */
export function createApiClient(url: string, token: string, fetchImpl: typeof fetch = fetch): ApiClient {
  const base = url.replace(/\/+$/, "");

  async function request(method: "GET" | "POST", path: string): Promise<Response> {
    let response: Response;
    try {
      response = await fetchImpl(base + path, {
        method,
        headers: { authorization: `Bearer ${token}`, accept: "application/json" },
      });
    } catch (e) {
      throw new ApiRequestError(0, "ServerUnreachable", `cannot reach ${base}: ${causeText(e)}`, { url: base });
    }
    if (response.ok) return response;
    const body = await response.text();
    const parsed = ApiError.safeParse(tryJson(body));
    const code = parsed.success ? parsed.data.error.code : `Http${response.status}`;
    const message = parsed.success ? parsed.data.error.message : `${method} ${path}: HTTP ${response.status}`;
    if (response.status === 401) {
      throw new AuthError(`${base} refused the token (${message}); run \`ailab login ${base}\``, { url: base });
    }
    throw new ApiRequestError(response.status, code, message, { path });
  }

  async function json<T>(method: "GET" | "POST", path: string, schema: z.ZodType<T>): Promise<T> {
    const response = await request(method, path);
    const result = schema.safeParse(await response.json());
    if (!result.success) {
      throw new ApiRequestError(response.status, "BadResponse", `${method} ${path}: unexpected answer from ${base}`, {
        issues: result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`),
      });
    }
    return result.data;
  }

  const task = (id: string) => `/api/tasks/${encodeURIComponent(id)}`;

  return {
    url: base,
    whoami: () => json("GET", "/api/whoami", WhoAmI),
    listRunners: async () => (await json("GET", "/api/runners", RunnerList)).runners,
    async listTasks(query = {}) {
      const params = new URLSearchParams();
      for (const [key, value] of Object.entries(query)) if (value) params.set(key, value as string);
      const search = params.size > 0 ? `?${params.toString()}` : "";
      return (await json("GET", `/api/tasks${search}`, TaskList)).tasks;
    },
    getTask: (id) => json("GET", task(id), TaskView),
    async readLog(id, offset) {
      const response = await request("GET", `${task(id)}/logs?offset=${offset}`);
      const text = await response.text();
      const next = Number(response.headers.get("x-ailab-log-offset"));
      const state = TaskState.safeParse(response.headers.get("x-ailab-task-state"));
      return {
        text,
        nextOffset: Number.isFinite(next) && next >= offset ? next : offset + Buffer.byteLength(text),
        state: state.success ? state.data : undefined,
      };
    },
    cancel: (id) => json("POST", `${task(id)}/cancel`, TaskView),
    async listArtifacts(id) {
      return (await json("GET", `${task(id)}/artifacts`, ArtifactList)).artifacts;
    },
    async downloadArtifact(id, name) {
      const response = await request("GET", `${task(id)}/artifacts/${encodeURIComponent(name)}`);
      if (!response.body) throw new ApiRequestError(response.status, "BadResponse", `artifact ${name} has no body`);
      return response.body;
    },
  };
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function causeText(e: unknown): string {
  if (e instanceof Error) {
    const cause = e.cause;
    if (cause instanceof Error) return cause.message;
    return e.message;
  }
  return String(e);
}
