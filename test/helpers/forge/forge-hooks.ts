import { ApiError, type ApiContext } from "./forge-dialect.js";
import { needUser, repoAccess } from "./forge-actions.js";
import { now } from "./forge-state.js";
import type { HookRecord } from "./forge-types.js";

// Webhook registrations for both forges: who may manage them, and a
// checked configuration. The dialects parse their own request shapes.

export interface HookInput {
  type: string;
  url: string | undefined;
  contentType: string | undefined;
  secret: string;
  events: string[];
  active: boolean;
  branchFilter: string;
  authorizationHeader: string;
}

/** The hook scope of the request: a repository (admin needed) or an org (owner or site admin). */
export function hookScope(ctx: ApiContext): HookRecord["scope"] {
  const user = needUser(ctx);
  if (ctx.params.org !== undefined) {
    const org = ctx.state.orgs.get(ctx.params.org);
    if (!org) throw new ApiError(404, "org does not exist");
    if (!org.owners.has(user.login) && !user.admin) throw new ApiError(403, "Must be an organization owner");
    return { kind: "organization", org: org.name };
  }
  const { repo } = repoAccess(ctx, "admin");
  return { kind: "repository", owner: repo.owner, repo: repo.name };
}

export function sameScope(a: HookRecord["scope"], b: HookRecord["scope"]): boolean {
  if (a.kind === "organization" || b.kind === "organization") return a.kind === b.kind && a.kind === "organization" && b.kind === "organization" && a.org === b.org;
  return a.owner === b.owner && a.repo === b.repo;
}

/** Adds a hook; a missing or non-HTTP URL or an unknown content type is 422, as on both forges. */
export function addHook(ctx: ApiContext, scope: HookRecord["scope"], input: HookInput): HookRecord {
  if (!input.url || !/^https?:\/\//.test(input.url)) throw new ApiError(422, "Invalid url", { field: "url" });
  const contentType = input.contentType ?? "form";
  if (contentType !== "json" && contentType !== "form") throw new ApiError(422, "Invalid content type", { field: "content_type" });
  const stamp = now();
  const hook: HookRecord = {
    id: ctx.state.id("hook"),
    scope,
    type: input.type,
    url: input.url,
    contentType,
    secret: input.secret,
    events: input.events,
    active: input.active,
    branchFilter: input.branchFilter,
    authorizationHeader: input.authorizationHeader,
    createdAt: stamp,
    updatedAt: stamp,
  };
  ctx.state.hooks.push(hook);
  return hook;
}

export function hooksIn(ctx: ApiContext, scope: HookRecord["scope"]): HookRecord[] {
  return ctx.state.hooks.filter((h) => sameScope(h.scope, scope));
}

export function removeHook(ctx: ApiContext, scope: HookRecord["scope"], id: number): void {
  const index = ctx.state.hooks.findIndex((h) => h.id === id && sameScope(h.scope, scope));
  if (index < 0) throw new ApiError(404, "hook not found");
  ctx.state.hooks.splice(index, 1);
}
