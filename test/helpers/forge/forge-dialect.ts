import type { IncomingHttpHeaders } from "node:http";
import type { ForgeState, RepoRecord, UserRecord } from "./forge-state.js";
import type { HookRecord } from "./forge-types.js";
import type { RefChange } from "./ref-changes.js";
import type { MatchedOperation, SpecValidator } from "./spec-validator.js";

// What differs between forges, behind one interface: the core server
// (fake-forge-server.ts) does HTTP, auth, git, validation and delivery; a
// dialect says which routes exist, how things are rendered as JSON and what
// a push sends.

/** What the core offers handlers. */
export interface ForgeCore {
  readonly url: string;
  readonly apiUrl: string;
  readonly uploadUrl: string;
  readonly state: ForgeState;
  readonly maxAssetBytes: number;
}

export interface ApiContext {
  core: ForgeCore;
  state: ForgeState;
  op: MatchedOperation;
  params: Record<string, string>;
  query: URLSearchParams;
  /** Parsed JSON body, when the request had one. */
  body: unknown;
  /** Raw body bytes. */
  raw: Buffer;
  /** Media type without parameters, lower case ("" without a body). */
  contentType: string;
  /** Form fields of a multipart body. */
  form?: FormData;
  headers: IncomingHttpHeaders;
  /** The authenticated user; undefined for anonymous requests. */
  user: UserRecord | undefined;
  /** Records a spec violation the handler found (the request is still answered). */
  violation(problem: string): void;
}

export interface ApiResult {
  status: number;
  /** JSON body (validated against the spec). */
  body?: unknown;
  headers?: Record<string, string>;
  /** A non-JSON body (a download); not schema-checked. */
  bytes?: { data: Buffer; contentType: string };
}

/** Thrown by handlers; the core renders it in the dialect's error shape. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export type ApiHandler = (ctx: ApiContext) => Promise<ApiResult> | ApiResult;

/** A request outside the API (a download page), handed to the dialect. */
export interface WebRequest {
  method: string;
  pathname: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  user: UserRecord | undefined;
}

/** A webhook event a push causes, before it is matched against hooks. */
export interface OutgoingEvent {
  event: string;
  payload: unknown;
  change: RefChange;
}

export interface ForgeDialect {
  /** For messages. */
  readonly name: string;
  /** `/api/v1` or `/api/v3`. */
  readonly apiPrefix: string;
  /** Where release assets are uploaded: `/api/uploads` on GHES, the API itself on Gitea. */
  readonly uploadPrefix: string;
  readonly spec: SpecValidator;
  readonly handlers: Readonly<Record<string, ApiHandler>>;
  /** Auth query parameters accepted besides headers (Gitea: token, access_token). */
  readonly queryTokenParams: readonly string[];
  /** True when a redelivery keeps the delivery id (GitHub); Gitea makes a new one. */
  readonly redeliveryKeepsId: boolean;
  /**
   * The path the spec knows for a request path (e.g. GHES uploads mapped onto
   * /api/v3, a `/` inside a tag re-encoded), or undefined when it is not API.
   */
  specPath(pathname: string): string | undefined;
  errorBody(core: ForgeCore, status: number, message: string, extra: Record<string, unknown>): unknown;
  /** Web routes (downloads); undefined when the dialect has no such route. */
  web(core: ForgeCore, request: WebRequest): Promise<ApiResult | undefined> | ApiResult | undefined;
  /** The events a push's ref changes cause, in order. */
  pushEvents(core: ForgeCore, repo: RepoRecord, pusher: UserRecord, changes: readonly RefChange[]): Promise<OutgoingEvent[]>;
  /** True when the hook wants the event (its event list; branch filter applied by the core). */
  hookWants(hook: HookRecord, event: string): boolean;
  /** The body text exactly as sent and signed. */
  serialise(payload: unknown): string;
  deliveryHeaders(hook: HookRecord, event: string, body: string, deliveryId: string): Record<string, string>;
}
