import { spawn } from "node:child_process";
import type { IncomingMessage, ServerResponse } from "node:http";
import { serverGitEnv } from "./bare-repo.js";

// Git's smart HTTP protocol, spoken by git itself: `git http-backend` as a
// CGI program. The fake decides who may read or push before it gets here.

export interface GitCgiRequest {
  /** Folder the repositories live in (GIT_PROJECT_ROOT). */
  projectRoot: string;
  /** Path under projectRoot, e.g. `/7.git/info/refs`. */
  pathInfo: string;
  /** Query string without `?`. */
  query: string;
  /** The authenticated login, if any (git records it in the reflog). */
  remoteUser?: string;
  /**
   * Runs after http-backend exits and before the response ends, so that a
   * `git push` that returned has had its ref changes seen (webhooks queued).
   */
  beforeEnd?: () => Promise<void>;
}

/** Runs http-backend for one request; resolves when its output has been sent. */
export function serveGitCgi(req: IncomingMessage, res: ServerResponse, cgi: GitCgiRequest): Promise<void> {
  const env: NodeJS.ProcessEnv = {
    ...serverGitEnv(),
    GIT_PROJECT_ROOT: cgi.projectRoot,
    GIT_HTTP_EXPORT_ALL: "1",
    PATH_INFO: cgi.pathInfo,
    QUERY_STRING: cgi.query,
    REQUEST_METHOD: req.method ?? "GET",
    SERVER_PROTOCOL: "HTTP/1.1",
    REMOTE_ADDR: req.socket.remoteAddress ?? "127.0.0.1",
    CONTENT_TYPE: req.headers["content-type"] ?? "",
  };
  if (cgi.remoteUser) env.REMOTE_USER = cgi.remoteUser;
  // Without CONTENT_LENGTH http-backend reads to the end: right for chunked pushes.
  if (req.headers["content-length"]) env.CONTENT_LENGTH = req.headers["content-length"];
  const encoding = req.headers["content-encoding"];
  if (encoding) env.HTTP_CONTENT_ENCODING = encoding;
  const protocol = req.headers["git-protocol"];
  if (typeof protocol === "string") env.GIT_PROTOCOL = protocol;

  return new Promise((resolve) => {
    const child = spawn("git", ["http-backend"], { env, stdio: ["pipe", "pipe", "pipe"] });
    req.pipe(child.stdin);
    child.stdin.on("error", () => undefined); // the backend may stop reading early
    const stderr: Buffer[] = [];
    child.stderr.on("data", (b: Buffer) => stderr.push(b));
    let head = Buffer.alloc(0);
    let headersSent = false;
    child.stdout.on("data", (chunk: Buffer) => {
      if (headersSent) {
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const end = findHeaderEnd(head);
      if (!end) return;
      writeCgiHead(res, head.subarray(0, end.at).toString("latin1"));
      headersSent = true;
      const rest = head.subarray(end.at + end.length);
      if (rest.length > 0) res.write(rest);
    });
    child.on("close", (code) => {
      void (cgi.beforeEnd ?? (() => Promise.resolve()))()
        .catch(() => undefined)
        .then(() => {
          if (!headersSent) {
            res.writeHead(500, { "content-type": "text/plain" });
            res.end(`git http-backend exited ${code}: ${Buffer.concat(stderr).toString("utf8")}`);
          } else res.end();
          resolve();
        });
    });
    child.on("error", () => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
      resolve();
    });
  });
}

function findHeaderEnd(buf: Buffer): { at: number; length: number } | undefined {
  const crlf = buf.indexOf("\r\n\r\n");
  const lf = buf.indexOf("\n\n");
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return { at: crlf, length: 4 };
  if (lf >= 0) return { at: lf, length: 2 };
  return undefined;
}

function writeCgiHead(res: ServerResponse, text: string): void {
  let status = 200;
  const headers: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === "status") status = Number.parseInt(value, 10) || 200;
    else headers[name] = value;
  }
  res.writeHead(status, headers);
}
