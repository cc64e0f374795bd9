import type { IncomingMessage, ServerResponse } from "node:http";
import type { ActionContext } from "../action-context.js";
import { tokenFromRequest } from "../http/credentials.js";
import { handleRefChanges } from "../push/handle-ref-changes.js";
import { canRead, canWrite, isOwner } from "../users/access.js";
import { repoKey } from "../users/names.js";
import { checkToken, describeRefusal, type User } from "../users/user-store.js";
import { parseGitRequest, type GitRequest } from "./git-url.js";
import { serveWithHttpBackend } from "./http-backend.js";

/**
 * Serves `/git/<owner>/<repo>.git/...` through `git http-backend`, after
 * checking the token (HTTP Basic, the token as the password). Reading needs
 * the owner, a grantee or an admin; pushing the owner, a write grantee or an
 * admin. A repository the caller may not read is 404, whether or not it exists.
 * A GET creates nothing: the owner's first push is shown an empty
 * repository's refs, and the POST that carries the push creates it (within
 * the user's repository cap). Each user has at most `maxGitPerUser` git
 * processes at once (503 past it); a push over `maxPushBytes` is refused.
 * After a push, the repository's ailab branches are examined.
 */
export async function serveGit(ctx: ActionContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const request = parseGitRequest(req.method ?? "GET", url.pathname, url.searchParams);
  if (!request) return plain(res, 404, "not a git repository URL\n");
  const token = tokenFromRequest(req);
  const check = token === undefined ? undefined : checkToken(ctx.db, token, new Date(ctx.clock.now()));
  if (!check || !("user" in check)) {
    res.setHeader("WWW-Authenticate", 'Basic realm="ailab"');
    return plain(res, 401, check ? `${describeRefusal(check)}\n` : "authentication required: use your ailab token as the password\n");
  }
  const user = check.user;
  const target = await decide(ctx, request, user);
  if ("status" in target) return plain(res, target.status, target.text);

  const limits = ctx.config.limits;
  if (request.isReceivePack) {
    const length = Number(req.headers["content-length"] ?? 0);
    if (length > limits.maxPushBytes) return plain(res, 413, `this push is ${mib(length)} MiB, over the limit of ${mib(limits.maxPushBytes)} MiB\n`);
  }
  const release = ctx.gitSlots.tryTake(user.name);
  if (!release) {
    res.setHeader("Retry-After", "5");
    return plain(res, 503, `${user.name} has ${ctx.gitSlots.limit} git requests running already (limit ${ctx.gitSlots.limit}); try again when they finish\n`);
  }
  try {
    const key = repoKey(request.repo);
    if (target.serve === "create") {
      // Counted again under the owner's lock: parallel first pushes cannot pass the cap together.
      const refusal = await ctx.locks.run(`(repositories of ${user.name})`, async () => {
        const over = await repoCapRefusal(ctx, user);
        if (over) return over;
        await ctx.locks.run(key, () => ctx.repos.create(request.repo));
        return undefined;
      });
      if (refusal) return plain(res, 403, refusal);
      ctx.log.info("repository created by push", { repo: key, user: user.name });
    }
    const where = target.serve === "empty" ? await ctx.repos.emptyRepository() : { projectRoot: ctx.repos.root, pathInfo: request.pathInfo };
    const exitCode = await serveWithHttpBackend(
      ctx.git,
      { ...where, remoteUser: user.name, maxPushBytes: limits.maxPushBytes },
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
  } finally {
    release();
  }
}

type Target = { serve: "existing" | "empty" | "create" } | { status: number; text: string };

/** What the request gets: the repository itself, an empty one's refs, a repository created for the push, or a refusal. */
async function decide(ctx: ActionContext, request: GitRequest, user: User): Promise<Target> {
  const key = repoKey(request.repo);
  if (await ctx.repos.exists(request.repo)) {
    if (!canRead(ctx.db, user, key)) return { status: 404, text: "repository not found\n" };
    if (request.access === "write" && !canWrite(ctx.db, user, key)) return { status: 403, text: `${user.name} may not push to ${key}\n` };
    return { serve: "existing" };
  }
  const firstPush = request.isReceivePack || (request.pathInfo.endsWith("/info/refs") && request.access === "write");
  if (!firstPush || !isOwner(user, key)) return { status: 404, text: "repository not found\n" };
  // Said at the ref advertisement, where git shows the text to the user ("remote: ...").
  const over = await repoCapRefusal(ctx, user);
  if (over) return { status: 403, text: over };
  return { serve: request.isReceivePack ? "create" : "empty" };
}

/** The refusal for a user at the repository cap, or undefined. */
async function repoCapRefusal(ctx: ActionContext, user: User): Promise<string | undefined> {
  const owned = await ctx.repos.countOwnedBy(user.name);
  const limit = ctx.config.limits.maxReposPerUser;
  return owned >= limit ? `${user.name} has ${owned} repositories already (limit ${limit}); push to an existing one or ask an admin\n` : undefined;
}

function mib(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(1);
}

function plain(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8" }).end(text);
}
