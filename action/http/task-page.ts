import type { IncomingMessage, ServerResponse } from "node:http";
import type { ActionContext } from "../action-context.js";
import { findVisibleTask } from "../api/visible-tasks.js";
import type { TaskRecord } from "../tasks/task-record.js";
import { authenticate } from "./authenticate.js";

/**
 * `/tasks/<id>`: where a commit status's target_url points. A minimal,
 * read-only page for an authenticated request (a browser is asked for the
 * token as the password); the full dashboard comes later.
 */
export async function serveTaskPage(ctx: ActionContext, req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
  const auth = await authenticate(ctx.accounts, req);
  const user = auth.user;
  if (!user) {
    res.writeHead(401, { "WWW-Authenticate": 'Basic realm="ailab"', "Content-Type": "text/plain; charset=utf-8" });
    res.end(`${"reason" in auth ? `${auth.reason}\n` : ""}sign in with any user name and your ailab token as the password\n`);
    return;
  }
  const task = await findVisibleTask(ctx.db, ctx.accounts, user, id);
  if (!task) {
    res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" }).end("no such task\n");
    return;
  }
  const body = Buffer.from(renderTaskPage(task));
  res.writeHead(200, { "Content-Type": "text/html; charset=utf-8", "Content-Length": body.length, "Cache-Control": "no-store" });
  res.end(body);
}

function renderTaskPage(task: TaskRecord): string {
  const rows: [string, string][] = [
    ["task", task.id],
    ["repository", task.repo],
    ["branch", task.branch],
    ["commit", task.commit],
    ["user", task.user],
    ["state", `${task.state} (${task.forgeState})`],
    ["status", task.description],
    ["runner", task.runner ?? ""],
    ["exit code", task.exitCode === null ? "" : String(task.exitCode)],
    ["created", task.createdAt],
    ["updated", task.updatedAt],
  ];
  const artifacts = task.artifacts
    .map((a) => `<li><a href="/api/tasks/${escape(task.id)}/artifacts/${encodeURIComponent(a.name)}">${escape(a.name)}</a> (${a.size} bytes)</li>`)
    .join("");
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>ailab/${escape(task.name)} · ${escape(task.id)}</title></head>
<body><h1>ailab/${escape(task.name)}</h1>
<table>${rows.map(([k, v]) => `<tr><th align="left">${k}</th><td>${escape(v)}</td></tr>`).join("")}</table>
<h2>Artifacts</h2><ul>${artifacts || "<li>none yet</li>"}</ul>
</body></html>
`;
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
