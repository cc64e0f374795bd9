import type { ServerResponse } from "node:http";

/** Writes a JSON body with its length. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const bytes = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", "Content-Length": bytes.length, "Cache-Control": "no-store" });
  res.end(bytes);
}

/** The API's error shape: `{ "error": { "code", "message" } }`. */
export function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  if (status === 401) res.setHeader("WWW-Authenticate", 'Bearer realm="ailab"');
  sendJson(res, status, { error: { code, message } });
}
