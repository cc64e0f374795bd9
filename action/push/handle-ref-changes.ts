import { nowIso, type ActionContext } from "../action-context.js";
import { isOutage, retryDelayMs } from "../../core/relay/outage.js";
import { deliverOutbox } from "../relay/outbox.js";
import { failPush, submitPush } from "../submit/submit-push.js";
import { requestCancel } from "../tasks/request-cancel.js";
import { listUnfinishedTasks } from "../tasks/task-store.js";
import { repoKey, type RepoName } from "../users/names.js";
import { pusherOf } from "../forge/webhook/delivery-store.js";
import { readBranchRefs } from "./read-branch-refs.js";
import { listPendingPushes, markPushFailed, markPushHandled, recordPushes } from "./record-pushes.js";

/**
 * A push that cannot be submitted for a reason other than an outage (an
 * unreadable commit) is tried this often, then becomes an error task. One
 * that failed because the relay is down waits for as long as it is down.
 */
const MAX_SUBMIT_ATTEMPTS = 8;
const RETRY_BASE_MS = 1000;
// Capped low: when the relay comes back, a waiting push goes on within a minute.
const RETRY_CAP_MS = 60 * 1000;
const PENDING_LOCK = "(pending pushes)";

/**
 * After a push (or at start, for every repository): brings the local copy up
 * to date (a mirror fetch, for a forge), reads the repository's
 * ailab branches, records what changed since last time, cancels the
 * unfinished tasks of deleted branches, submits the new pushes and sends
 * the resulting messages. Serialised per repository, so two pushes are
 * diffed in turn.
 */
export async function handleRefChanges(ctx: ActionContext, repo: RepoName, pusher: string | ((ref: string, commit: string) => string)): Promise<void> {
  const key = repoKey(repo);
  const pusherOf = typeof pusher === "string" ? () => pusher : pusher;
  await ctx.locks.run(key, async () => {
    await ctx.pushSource.refresh(repo);
    const current = await readBranchRefs(ctx.git, ctx.repos.gitDir(repo));
    const events = recordPushes(ctx.db, key, current, pusherOf, nowIso(ctx), (deleted) => {
      const branch = deleted.ref.slice("refs/heads/".length);
      for (const task of listUnfinishedTasks(ctx.db, { repo: key, branch })) requestCancel(ctx, task, `branch ${branch} was deleted`);
    });
    for (const event of events) ctx.log.info("ref changed", { ...event });
  });
  await submitPendingPushes(ctx);
  // Sent now rather than on the next cycle: when `git push` returns, the runner has its message.
  await deliverOutbox(ctx.db, ctx.store, ctx.log, () => nowIso(ctx));
  ctx.wake();
}

/**
 * Submits every recorded push not yet turned into a task, oldest first, one
 * caller at a time (so no push becomes two tasks). A push whose branch has
 * moved on or gone is dropped; a failure is retried with a growing pause,
 * and after the last try the push becomes a task in state error.
 */
export async function submitPendingPushes(ctx: ActionContext): Promise<void> {
  await ctx.locks.run(PENDING_LOCK, async () => {
    for (const push of listPendingPushes(ctx.db, ctx.clock.now())) {
      const head = ctx.db.prepare("SELECT commit_id FROM ref_state WHERE repo = ? AND ref = ?").get(push.repo, push.ref) as
        | { commit_id: string }
        | undefined;
      const newer = ctx.db.prepare("SELECT 1 FROM pushes WHERE repo = ? AND ref = ? AND id > ?").get(push.repo, push.ref, push.id);
      // A -> B -> A is three pushes; only the last may run, though the branch is at A again.
      if (head?.commit_id !== push.commit || newer !== undefined) {
        markPushHandled(ctx.db, push.id, null, nowIso(ctx));
        ctx.log.info("push dropped: its branch has moved on", { repo: push.repo, ref: push.ref, commit: push.commit });
        continue;
      }
      try {
        await submitPush(ctx, push);
      } catch (e) {
        const attempt = push.attempts + 1;
        const outage = isOutage(e);
        ctx.log.warn(outage ? "submitting a push waits: the relay is unavailable" : "submitting a push failed", { repo: push.repo, ref: push.ref, commit: push.commit, attempt, error: e });
        if (!outage && attempt >= MAX_SUBMIT_ATTEMPTS) failPush(ctx, push, e);
        else markPushFailed(ctx.db, push.id, ctx.clock.now() + retryDelayMs(push.attempts, RETRY_BASE_MS, RETRY_CAP_MS));
      }
    }
  });
}

/**
 * At start (and, with a forge, every few minutes): picks up pushes made while
 * the action was down or whose delivery was lost, in every repository the
 * push source names. Where the source can say what the forge has without a
 * fetch, an unchanged repository is skipped. A repository that fails is
 * logged and the rest go on.
 */
export async function reconcileRepositories(ctx: ActionContext): Promise<void> {
  for (const repo of await ctx.pushSource.listRepositories()) {
    const key = repoKey(repo);
    try {
      if (ctx.pushSource.peekRefs) {
        const remote = await ctx.pushSource.peekRefs(repo);
        const rows = ctx.db.prepare("SELECT ref, commit_id FROM ref_state WHERE repo = ?").all(key) as { ref: string; commit_id: string }[];
        if (sameRefs(remote, new Map(rows.map((r) => [r.ref, r.commit_id])))) continue;
        ctx.log.info("reconcile: branches changed without a delivery", { repo: key });
      }
      await handleRefChanges(ctx, repo, (ref, commit) => pusherOf(ctx.db, key, ref, commit) ?? repo.owner);
    } catch (e) {
      ctx.log.warn("reconciling a repository failed; will retry", { repo: key, error: e });
    }
  }
}

function sameRefs(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  return a.size === b.size && [...a].every(([ref, commit]) => b.get(ref) === commit);
}
