import { ApiError, type ApiContext, type ApiHandler } from "./forge-dialect.js";
import { addHook, hookScope, hooksIn, removeHook } from "./forge-hooks.js";
import { giteaPaged } from "./gitea-paging.js";
import { giteaHook } from "./gitea-json.js";

// Gitea's repository and organisation webhooks.

interface CreateHookOption {
  type: string;
  config: Record<string, string>;
  events?: string[];
  active?: boolean;
  branch_filter?: string;
  authorization_header?: string;
}

function create(ctx: ApiContext) {
  const scope = hookScope(ctx);
  const input = ctx.body as CreateHookOption;
  for (const key of ["url", "content_type"]) if (!input.config[key]) throw new ApiError(422, `Missing config option: ${key}`);
  const hook = addHook(ctx, scope, {
    type: input.type,
    url: input.config.url,
    contentType: input.config.content_type,
    secret: input.config.secret ?? "",
    // Gitea: no events means push only; `active` defaults to false.
    events: input.events && input.events.length > 0 ? input.events : ["push"],
    active: input.active ?? false,
    branchFilter: input.branch_filter ?? "",
    authorizationHeader: input.authorization_header ?? "",
  });
  return { status: 201, body: giteaHook(hook) };
}

function list(ctx: ApiContext) {
  return giteaPaged(ctx, hooksIn(ctx, hookScope(ctx)), giteaHook);
}

function get(ctx: ApiContext) {
  const hook = hooksIn(ctx, hookScope(ctx)).find((h) => h.id === Number(ctx.params.id));
  if (!hook) throw new ApiError(404, "hook not found");
  return { status: 200, body: giteaHook(hook) };
}

function remove(ctx: ApiContext) {
  removeHook(ctx, hookScope(ctx), Number(ctx.params.id));
  return { status: 204 };
}

export const giteaHookRoutes: Record<string, ApiHandler> = {
  repoCreateHook: create,
  orgCreateHook: create,
  repoListHooks: list,
  orgListHooks: list,
  repoGetHook: get,
  orgGetHook: get,
  repoDeleteHook: remove,
  orgDeleteHook: remove,
};
