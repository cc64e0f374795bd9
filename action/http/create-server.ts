import { createServer, type Server } from "node:http";
import type { ActionContext } from "../action-context.js";
import { serveApi } from "../api/api-routes.js";
import { serveWebhook } from "../forge/webhook/serve-webhook.js";
import { serveGit } from "../githost/serve-git.js";
import { checkReadiness } from "./readiness.js";
import { crossSiteRefusal } from "./cross-site.js";
import { sendError, sendJson } from "./respond.js";
import { serveTaskPage } from "./task-page.js";

/**
 * The action's one HTTP server: `/git/...` (the built-in git host) or, with
 * a forge, `/forge/webhook` (its deliveries), `/api/...` (the CLI's API)
 * `/tasks/<id>` (the task page), `/healthz` (alive) and `/readyz` (the
 * database, relay and forge answer; 503 naming what does not). A
 * state-changing request from another site (its Origin or Sec-Fetch-Site
 * says so) is 403 before any of them. A handler
 * that throws answers 500 and is logged; the server carries on.
 */
export function createActionServer(ctx: ActionContext): Server {
  return createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const handle = async () => {
      const crossSite = crossSiteRefusal(req, ctx.baseUrl());
      if (crossSite) return sendError(res, 403, "CrossSite", crossSite);
      if (ctx.remote) {
        if (url.pathname === "/forge/webhook") return serveWebhook(ctx, ctx.remote.config, req, res, () => ctx.wake());
      } else if (url.pathname.startsWith("/git/")) {
        return serveGit(ctx, req, res, url);
      }
      if (url.pathname.startsWith("/api/")) return serveApi(ctx, req, res, url);
      const page = /^\/tasks\/([0-9a-z-]+)$/.exec(url.pathname);
      if (page && req.method === "GET") return serveTaskPage(ctx, req, res, page[1]!);
      if (url.pathname === "/healthz" && req.method === "GET") return sendJson(res, 200, { status: "ok" });
      if (url.pathname === "/readyz" && req.method === "GET") {
        const checks = await checkReadiness(ctx);
        const ready = checks.every((c) => c.ok);
        return sendJson(res, ready ? 200 : 503, { ready, checks });
      }
      if (url.pathname === "/" && req.method === "GET") {
        res.writeHead(200, { "Content-Type": "text/plain; charset=utf-8" }).end("ailab-action\n");
        return;
      }
      sendError(res, 404, "NotFound", `nothing at ${url.pathname}`);
    };
    handle().catch((e: unknown) => {
      ctx.log.error("request failed", { method: req.method, path: url.pathname, error: e });
      if (!res.headersSent) sendError(res, 500, "Internal", "internal error");
      else res.destroy();
    });
  });
}
