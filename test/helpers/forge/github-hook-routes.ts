import { ApiError, type ApiContext, type ApiHandler } from "./forge-dialect.js";
import { addHook, hookScope, hooksIn, removeHook } from "./forge-hooks.js";
import { githubPaged } from "./github-paging.js";
import { githubHook } from "./github-json.js";

// GitHub's repository and organisation webhooks (`name: "web"`).

interface CreateHookBody {
  name?: string;
  config: { url?: string; content_type?: string; secret?: string };
  events?: string[];
  active?: boolean;
}

function create(ctx: ApiContext) {
  const scope = hookScope(ctx);
  const input = ctx.body as CreateHookBody;
  const hook = addHook(ctx, scope, {
    type: input.name ?? "web",
    url: input.config.url,
    // GitHub: form unless told, push unless told, active unless told.
    contentType: input.config.content_type ?? "form",
    secret: input.config.secret ?? "",
    events: input.events && input.events.length > 0 ? input.events : ["push"],
    active: input.active ?? true,
    branchFilter: "",
    authorizationHeader: "",
  });
  return { status: 201, body: githubHook(ctx.core, hook) };
}

function list(ctx: ApiContext) {
  return githubPaged(ctx, hooksIn(ctx, hookScope(ctx)), (h) => githubHook(ctx.core, h));
}

function get(ctx: ApiContext) {
  const hook = hooksIn(ctx, hookScope(ctx)).find((h) => h.id === Number(ctx.params.hook_id));
  if (!hook) throw new ApiError(404, "Not Found");
  return { status: 200, body: githubHook(ctx.core, hook) };
}

function remove(ctx: ApiContext) {
  removeHook(ctx, hookScope(ctx), Number(ctx.params.hook_id));
  return { status: 204 };
}

export const githubHookRoutes: Record<string, ApiHandler> = {
  "repos/create-webhook": create,
  "orgs/create-webhook": create,
  "repos/list-webhooks": list,
  "orgs/list-webhooks": list,
  "repos/get-webhook": get,
  "orgs/get-webhook": get,
  "repos/delete-webhook": remove,
  "orgs/delete-webhook": remove,
};
