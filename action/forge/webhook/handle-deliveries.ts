import { nowIso, type ActionContext } from "../../action-context.js";
import { handleRefChanges } from "../../push/handle-ref-changes.js";
import { parseRepoName } from "../../users/names.js";
import { listDueRepos, markDeliveriesFailed, markDeliveriesHandled, pusherOf } from "./delivery-store.js";

const RETRY_BASE_MS = 2000;
const RETRY_CAP_MS = 5 * 60 * 1000;

/**
 * Turns recorded deliveries into pushes: per repository, one fetch of the
 * mirror and one diff against the refs last seen (handleRefChanges), however
 * many deliveries piled up. A duplicate or replayed delivery finds nothing
 * changed; a stale one finds the branch elsewhere. When the forge cannot be
 * reached the deliveries stay and are retried with a growing pause, for as
 * long as it takes. Returns how many repositories were handled.
 */
export async function handleDeliveries(ctx: ActionContext): Promise<number> {
  let handled = 0;
  for (const due of listDueRepos(ctx.db, ctx.clock.now())) {
    const repo = parseRepoName(due.repo);
    try {
      await handleRefChanges(ctx, repo, (ref, commit) => pusherOf(ctx.db, due.repo, ref, commit) ?? repo.owner);
      markDeliveriesHandled(ctx.db, due.repo, due.upTo, nowIso(ctx));
      handled++;
    } catch (e) {
      const pause = Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** Math.min(due.attempts, 16));
      markDeliveriesFailed(ctx.db, due.repo, due.upTo, ctx.clock.now() + pause);
      ctx.log.warn("fetching a pushed repository failed; will retry", { repo: due.repo, attempt: due.attempts + 1, retryInMs: pause, error: e });
    }
  }
  return handled;
}
