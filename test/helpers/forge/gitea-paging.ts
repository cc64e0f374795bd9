import type { ApiContext, ApiResult } from "./forge-dialect.js";
import { linkHeader, page } from "./forge-actions.js";

// Gitea's paging: `page` and `limit` (default 30, at most 50; `per_page` is
// not Gitea's), X-Total-Count and a Link header.

export function giteaPaged<T>(ctx: ApiContext, items: readonly T[], render: (item: T) => unknown): ApiResult {
  const pageNumber = Math.max(1, Number(ctx.query.get("page") ?? 1) || 1);
  const limit = Math.min(50, Math.max(1, Number(ctx.query.get("limit") ?? 30) || 30));
  const base = `${ctx.core.apiUrl}${ctx.op.operation.path.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(ctx.params[name] ?? ""))}`;
  const link = linkHeader(base, ctx.query, pageNumber, limit, items.length, "limit");
  return {
    status: 200,
    body: page(items, pageNumber, limit).map(render),
    headers: { "x-total-count": String(items.length), ...(link ? { link } : {}) },
  };
}
