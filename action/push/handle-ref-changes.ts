import { nowIso, type ActionContext } from "../action-context.js";
import { deliverOutbox } from "../relay/outbox.js";
import { submitPush } from "../submit/submit-push.js";
import { requestCancel } from "../tasks/request-cancel.js";
import { listUnfinishedTasks } from "../tasks/task-store.js";
import { repoKey, type RepoName } from "../users/names.js";
import { readBranchRefs } from "./read-branch-refs.js";
import { listPendingPushes, markPushFailed, markPushHandled, recordPushes } from "./record-pushes.js";

/** How often a push that fails to submit (relay down, unreadable commit) is tried again. */
const MAX_SUBMIT_ATTEMPTS = 5;
const PENDING_LOCK = "(pending pushes)";

/**
 * After a push (or at start, for every repository): reads the repository's
 * ailab branches, records what changed since last time, cancels the
 * unfinished tasks of deleted branches, and submits the new pushes.
 * Serialised per repository, so two pushes are diffed in turn.
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
 * moved on or gone is dropped; a failure is counted and retried later.
 */
export async function submitPendingPushes(ctx: ActionContext): Promise<void> {
  await ctx.locks.run(PENDING_LOCK, async () => {
    for (const push of listPendingPushes(ctx.db, MAX_SUBMIT_ATTEMPTS)) {
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
        markPushFailed(ctx.db, push.id);
        ctx.log.warn("submitting a push failed", { repo: push.repo, ref: push.ref, commit: push.commit, attempt: push.attempts + 1, error: e });
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
