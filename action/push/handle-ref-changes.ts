import { nowIso, type ActionContext } from "../action-context.js";
import { deliverOutbox } from "../relay/outbox.js";
import { failPush, submitPush } from "../submit/submit-push.js";
import { requestCancel } from "../tasks/request-cancel.js";
import { listUnfinishedTasks } from "../tasks/task-store.js";
import { repoKey, type RepoName } from "../users/names.js";
import { readBranchRefs } from "./read-branch-refs.js";
import { listPendingPushes, markPushFailed, markPushHandled, recordPushes } from "./record-pushes.js";

/** A push that cannot be submitted (relay down, unreadable commit) is tried this often, then becomes an error task. */
const MAX_SUBMIT_ATTEMPTS = 8;
const RETRY_BASE_MS = 1000;
const RETRY_CAP_MS = 5 * 60 * 1000;
const PENDING_LOCK = "(pending pushes)";

/**
 * After a push (or at start, for every repository): reads the repository's
 * ailab branches, records what changed since last time, cancels the
 * unfinished tasks of deleted branches, submits the new pushes and sends
 * the resulting messages. Serialised per repository, so two pushes are
 * diffed in turn.
 */
export async function handleRefChanges(ctx: ActionContext, repo: RepoName, pusher: string): Promise<void> {
  const key = repoKey(repo);
  await ctx.locks.run(key, async () => {
    const current = await readBranchRefs(ctx.git, ctx.repos.gitDir(repo));
    const events = recordPushes(ctx.db, key, current, pusher, nowIso(ctx), (deleted) => {
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
      if (head?.commit_id !== push.commit) {
        markPushHandled(ctx.db, push.id, null, nowIso(ctx));
        ctx.log.info("push dropped: its branch has moved on", { repo: push.repo, ref: push.ref, commit: push.commit });
        continue;
      }
      try {
        await submitPush(ctx, push);
      } catch (e) {
        const attempt = push.attempts + 1;
        ctx.log.warn("submitting a push failed", { repo: push.repo, ref: push.ref, commit: push.commit, attempt, error: e });
        if (attempt >= MAX_SUBMIT_ATTEMPTS) failPush(ctx, push, e);
        else markPushFailed(ctx.db, push.id, ctx.clock.now() + Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** push.attempts));
      }
    }
  });
}

/** At start: picks up pushes made while the action was down, in every repository. */
export async function reconcileRepositories(ctx: ActionContext): Promise<void> {
  for (const repo of await ctx.repos.list()) {
    await handleRefChanges(ctx, repo, repo.owner);
  }
}
