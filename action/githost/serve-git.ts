import type { IncomingMessage, ServerResponse } from "node:http";
import type { ActionContext } from "../action-context.js";
import { tokenFromRequest } from "../http/credentials.js";
import { handleRefChanges } from "../push/handle-ref-changes.js";
import { canRead, canWrite, isOwner } from "../users/access.js";
import { repoKey } from "../users/names.js";
import { findUserByToken } from "../users/user-store.js";
import { parseGitRequest } from "./git-url.js";
import { serveWithHttpBackend } from "./http-backend.js";

/**
 * Serves `/git/<owner>/<repo>.git/...` through `git http-backend`, after
 * checking the token (HTTP Basic, the token as the password). Reading needs
 * the owner, a grantee or an admin; pushing the owner, a write grantee or an
 * admin. A push by the owner to a repository that does not exist creates it.
 * A repository the caller may not read is 404, whether or not it exists.
 * After a push, the repository's ailab branches are examined.
 */
export async function serveGit(ctx: ActionContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const request = parseGitRequest(req.method ?? "GET", url.pathname, url.searchParams);
  if (!request) return plain(res, 404, "not a git repository URL\n");
  const token = tokenFromRequest(req);
  const user = token === undefined ? undefined : findUserByToken(ctx.db, token);
  if (!user) {
    res.setHeader("WWW-Authenticate", 'Basic realm="ailab"');
    return plain(res, 401, "authentication required: use your ailab token as the password\n");
  }
  const key = repoKey(request.repo);
  const exists = await ctx.repos.exists(request.repo);
  if (!exists) {
    if (request.access !== "write" || !isOwner(user, key)) return plain(res, 404, "repository not found\n");
    await ctx.locks.run(key, () => ctx.repos.create(request.repo));
    ctx.log.info("repository created by push", { repo: key, user: user.name });
  } else if (!canRead(ctx.db, user, key)) {
    return plain(res, 404, "repository not found\n");
  } else if (request.access === "write" && !canWrite(ctx.db, user, key)) {
    return plain(res, 403, `${user.name} may not push to ${key}\n`);
  }

  const exitCode = await serveWithHttpBackend(
    ctx.git,
    { projectRoot: ctx.repos.root, pathInfo: request.pathInfo, remoteUser: user.name },
    req,
    res,
    request.isReceivePack
      ? async () => {
          try {
            await handleRefChanges(ctx, request.repo, user.name);
          } catch (e) {
            ctx.log.error("handling a push failed", { repo: key, error: e });
          }
        }
      : undefined,
  );
  if (exitCode !== 0) ctx.log.warn("git http-backend failed", { repo: key, exitCode });
}

function plain(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8" }).end(text);
}
