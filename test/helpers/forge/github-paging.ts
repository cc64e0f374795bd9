import type { ApiContext, ApiResult } from "./forge-dialect.js";
import { linkHeader, page } from "./forge-actions.js";

// GitHub's paging: `page` and `per_page` (default 30, at most 100) and a Link header.

export function githubPaged<T>(ctx: ApiContext, items: readonly T[], render: (item: T) => unknown): ApiResult {
  const pageNumber = Math.max(1, Number(ctx.query.get("page") ?? 1) || 1);
  const size = Math.min(100, Math.max(1, Number(ctx.query.get("per_page") ?? 30) || 30));
  const base = `${ctx.core.apiUrl}${ctx.op.operation.path.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(ctx.params[name] ?? ""))}`;
  const link = linkHeader(base, ctx.query, pageNumber, size, items.length, "per_page");
  return { status: 200, body: page(items, pageNumber, size).map(render), headers: link ? { link } : {} };
}
