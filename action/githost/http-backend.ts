import type { IncomingMessage, ServerResponse } from "node:http";
import type { GitRunner } from "./git-runner.js";

export interface CgiRequest {
  projectRoot: string;
  pathInfo: string;
  remoteUser: string;
  /** receive.maxInputSize: a pack larger than this is refused by git itself, and nothing of it is kept. */
  maxPushBytes?: number;
}

/**
 * Serves one request through `git http-backend` as CGI: the request body is
 * piped to its stdin, its CGI headers (`Status:` and the rest) become the
 * response head, and the body is streamed. `beforeEnd` runs after the
 * process has exited and before the response ends: after a push, the client
 * waits until the action has recorded (and submitted) it. Resolves with the
 * exit code once the response is written.
 */
export function serveWithHttpBackend(
  git: GitRunner,
  cgi: CgiRequest,
  req: IncomingMessage,
  res: ServerResponse,
  beforeEnd?: () => Promise<void>,
): Promise<number> {
  const url = new URL(req.url ?? "/", "http://localhost");
  const env: Record<string, string> = {
    GIT_PROJECT_ROOT: cgi.projectRoot,
    GIT_HTTP_EXPORT_ALL: "1",
    PATH_INFO: cgi.pathInfo,
    REQUEST_METHOD: req.method ?? "GET",
    QUERY_STRING: url.search.replace(/^\?/, ""),
    CONTENT_TYPE: req.headers["content-type"] ?? "",
    REMOTE_USER: cgi.remoteUser,
    REMOTE_ADDR: req.socket.remoteAddress ?? "",
    GATEWAY_INTERFACE: "CGI/1.1",
    SERVER_PROTOCOL: `HTTP/${req.httpVersion}`,
    // Pushing over HTTP is off by default in git; our own auth decided already.
    GIT_CONFIG_COUNT: cgi.maxPushBytes === undefined ? "3" : "4",
    GIT_CONFIG_KEY_0: "http.receivepack",
    GIT_CONFIG_VALUE_0: "true",
    // The action's own refs (statuses as notes, result tags) cannot be pushed over.
    GIT_CONFIG_KEY_1: "receive.hideRefs",
    GIT_CONFIG_VALUE_1: "refs/notes/ailab",
    GIT_CONFIG_KEY_2: "receive.hideRefs",
    GIT_CONFIG_VALUE_2: "refs/tags/ailab/",
    ...(cgi.maxPushBytes === undefined ? {} : { GIT_CONFIG_KEY_3: "receive.maxInputSize", GIT_CONFIG_VALUE_3: String(cgi.maxPushBytes) }),
  };
  const encoding = req.headers["content-encoding"];
  if (encoding) env.HTTP_CONTENT_ENCODING = encoding;
  const length = req.headers["content-length"];
  if (length) env.CONTENT_LENGTH = length;
  const protocol = req.headers["git-protocol"];
  if (typeof protocol === "string") env.GIT_PROTOCOL = protocol;

  const child = git.spawn(["http-backend"], env);
  req.pipe(child.stdin);
  child.stdin.on("error", () => {}); // the backend may stop reading early; its exit code tells
  child.stderr.resume();

  return new Promise((resolve) => {
    let head = Buffer.alloc(0);
    let headDone = false;
    child.stdout.on("data", (chunk: Buffer) => {
      if (headDone) {
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const split = findHeaderEnd(head);
      if (!split) return;
      headDone = true;
      writeHead(res, head.subarray(0, split.at).toString("latin1"));
      const body = head.subarray(split.at + split.length);
      if (body.length > 0) res.write(body);
    });
    child.on("error", () => {
      if (!res.headersSent) res.writeHead(500).end("git http-backend could not start\n");
      resolve(127);
    });
    child.on("close", (code) => {
      if (!headDone && !res.headersSent) {
        res.writeHead(502, { "Content-Type": "text/plain" }).end("git http-backend failed\n");
        return resolve(code ?? 1);
      }
      void (beforeEnd ?? (() => Promise.resolve()))().finally(() => {
        res.end();
        resolve(code ?? 1);
      });
    });
  });
}

function findHeaderEnd(buffer: Buffer): { at: number; length: number } | undefined {
  const crlf = buffer.indexOf("\r\n\r\n");
  const lf = buffer.indexOf("\n\n");
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return { at: crlf, length: 4 };
  if (lf >= 0) return { at: lf, length: 2 };
  return undefined;
}

function writeHead(res: ServerResponse, text: string): void {
  let status = 200;
  const headers: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === "status") status = Number(value.split(" ")[0]) || 500;
    else headers[name] = value;
  }
  res.writeHead(status, headers);
}
