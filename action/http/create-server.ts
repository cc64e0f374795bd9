import { createServer, type Server } from "node:http";
import type { ActionContext } from "../action-context.js";
import { serveApi } from "../api/api-routes.js";
import { serveWebhook } from "../forge/webhook/serve-webhook.js";
import { serveGit } from "../githost/serve-git.js";
import { crossSiteRefusal } from "./cross-site.js";
import { sendError } from "./respond.js";
import { serveTaskPage } from "./task-page.js";

/**
 * The action's one HTTP server: `/git/...` (the built-in git host) or, with
 * a forge, `/forge/webhook` (its deliveries), `/api/...` (the CLI's API)
 * and `/tasks/<id>` (the task page). A state-changing request from another
 * site (its Origin or Sec-Fetch-Site says so) is 403 before any of them. A handler
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
