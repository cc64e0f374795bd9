import { newTaskId } from "../../core/ids.js";
import { inboxes, MAX_MESSAGE_BYTES, sealMessage } from "../../core/protocol/mailbox.js";
import type { Submit } from "../../core/protocol/messages.js";
import { publishEnv, publishSnapshot } from "../../core/snapshot/publish-snapshot.js";
import { formatBytes } from "../../core/task/task-limits.js";
import { nowIso, type ActionContext } from "../action-context.js";
import { markPushHandled, type PendingPush } from "../push/record-pushes.js";
import { enqueueMessage } from "../relay/outbox.js";
import { chooseRunner } from "../../core/runners/choose-runner.js";
import { listRunners } from "../runners/runner-store.js";
import { requestCancel } from "../tasks/request-cancel.js";
import { insertTask, listUnfinishedTasks } from "../tasks/task-store.js";
import { parseRepoName } from "../users/names.js";
import { buildEnvManifest } from "./build-env-manifest.js";
import { describeIssues } from "./describe-issues.js";
import { fallbackTaskName } from "./fallback-task-name.js";
import { planTask } from "./plan-task.js";
import { readBlobBytes, readCommitTree, type CommitFile } from "./read-commit-tree.js";
import { readCommitPythonAsk } from "./read-commit-python-ask.js";
import { selectSnapshotFiles } from "./select-snapshot-files.js";
import { waitingCapRefusal } from "./waiting-cap.js";

/**
 * Turns one recorded push into a task. The commit's tree is read in-process
 * from the bare repository; an invalid task file becomes a task in state
 * `error` whose description names the file and key, and nothing is sent.
 * A valid one goes to a runner that can run it (see chooseRunner; when none
 * can, it is an error task naming what it asked for and what exists). It is
 * published to the relay (only missing objects are written) and a signed
 * Submit goes to that runner's inbox through the outbox, in the same transaction as the
 * task row and the push being marked handled. Older unfinished tasks of the
 * same branch are superseded (cancelled). A user with maxWaitingTasks tasks
 * waiting already gets an error task naming the limit, and nothing is sent.
 * Returns the new task id.
 */
export async function submitPush(ctx: ActionContext, push: PendingPush): Promise<string> {
  const repo = parseRepoName(push.repo);
  const gitDir = ctx.repos.gitDir(repo);
  const branch = push.ref.slice("refs/heads/".length);
  const log = ctx.log.child({ repo: push.repo, ref: push.ref, commit: push.commit.slice(0, 12) });
  const cache = {};
  const read = (file: CommitFile) => readBlobBytes(gitDir, file.oid, cache);
  const tree = await readCommitTree(gitDir, push.commit, cache);
  const plan = await planTask(tree, branch, read);
  const taskId = newTaskId(ctx.clock.now());
  const base = { id: taskId, user: push.pusher, repo: push.repo, branch, commit: push.commit, now: nowIso(ctx) };

  if (!plan.ok) {
    const description = describeIssues(plan.issues);
    ctx.db.transaction(() => {
      insertTask(ctx.db, { ...base, name: fallbackTaskName(branch), state: "error", description });
      markPushHandled(ctx.db, push.id, taskId, base.now);
    })();
    log.info("task file invalid", { task: taskId, description });
    return taskId;
  }
  // Caps at the door: past the user's waiting tasks, the push is an error status and nothing is sent.
  const overCap = waitingCapRefusal(ctx.db, push.pusher, ctx.config.limits.maxWaitingTasks, plan.task.supersede === false ? undefined : { repo: push.repo, branch });
  if (overCap) {
    ctx.db.transaction(() => {
      // A status only: 480 refused pushes must not become 480 releases.
      insertTask(ctx.db, { ...base, name: plan.task.name, state: "error", description: overCap, release: false });
      markPushHandled(ctx.db, push.id, taskId, base.now);
    })();
    log.info("push refused: too many tasks waiting", { task: taskId, user: push.pusher, limit: ctx.config.limits.maxWaitingTasks });
    return taskId;
  }
  const files = new Map(tree.files.map((f) => [f.path, f]));
  const now = ctx.clock.now();
  const choice = chooseRunner(plan.task, listRunners(ctx.db), {
    isFresh: (runner) => now - runner.lastSeen <= ctx.config.runnerStaleMs,
    defaultRunner: ctx.config.runnerName,
    python: await readCommitPythonAsk(plan.task.environment, files, read),
  });
  if (!choice.ok) {
    ctx.db.transaction(() => {
      insertTask(ctx.db, { ...base, name: plan.task.name, state: "error", description: choice.description });
      markPushHandled(ctx.db, push.id, taskId, base.now);
    })();
    log.info("no runner can run the task", { task: taskId, description: choice.description });
    return taskId;
  }

  const selection = selectSnapshotFiles(tree.files, plan.task.files.upload, plan.isIgnored, read);
  const snapshot = await publishSnapshot(ctx.store, selection.files);
  const env = await publishEnv(ctx.store, await buildEnvManifest(ctx.store, plan.task.environment, files, read));
  const submit: Submit = {
    kind: "submit",
    taskId,
    user: push.pusher,
    repo: push.repo,
    branch,
    commit: push.commit,
    task: plan.task,
    tree: snapshot.treeHash,
    env,
    submittedAt: ctx.clock.now(),
  };
  // A newer push cancels the branch's unfinished tasks unless its task.toml says `supersede = false`.
  const message = sealMessage(inboxes.runner(choice.runner), submit, ctx.config.secret, ctx.clock.now());
  // The runner sets aside, unread, any message over the cap: such a task would never run, so say so now.
  if (message.bytes.byteLength > MAX_MESSAGE_BYTES) {
    const description = `error: the task is too large to send to a runner (${formatBytes(message.bytes.byteLength)}, limit ${formatBytes(MAX_MESSAGE_BYTES)}); shorten task.toml`;
    ctx.db.transaction(() => {
      insertTask(ctx.db, { ...base, name: plan.task.name, state: "error", description });
      markPushHandled(ctx.db, push.id, taskId, base.now);
    })();
    log.info("task too large to send", { task: taskId, bytes: message.bytes.byteLength });
    return taskId;
  }
  const older = plan.task.supersede === false ? [] : listUnfinishedTasks(ctx.db, { repo: push.repo, branch });
  ctx.db.transaction(() => {
    insertTask(ctx.db, { ...base, name: plan.task.name, state: "submitted", description: "submitted", runner: choice.runner });
    enqueueMessage(ctx.db, message, base.now);
    markPushHandled(ctx.db, push.id, taskId, base.now);
    for (const task of older) requestCancel(ctx, task, `superseded by ${push.commit.slice(0, 12)} (task ${taskId})`);
  })();
  log.info("task submitted", {
    task: taskId,
    runner: choice.runner,
    files: selection.files.length,
    ignored: selection.ignored,
    uploaded: snapshot.uploaded,
    skippedLinks: tree.links.length,
    skippedSubmodules: tree.submodules.length,
  });
  return taskId;
}

/** Gives up on a push that could not be submitted: it becomes a task in state error saying why. */
export function failPush(ctx: ActionContext, push: PendingPush, error: unknown): string {
  const taskId = newTaskId(ctx.clock.now());
  const branch = push.ref.slice("refs/heads/".length);
  // The description says `error: ` once: a git message's own `error: ` or `fatal: ` goes.
  const reason = (error instanceof Error ? error.message : String(error)).replace(/^(error|fatal): /i, "");
  const now = nowIso(ctx);
  ctx.db.transaction(() => {
    insertTask(ctx.db, {
      id: taskId,
      user: push.pusher,
      repo: push.repo,
      branch,
      commit: push.commit,
      name: fallbackTaskName(branch),
      state: "error",
      description: `error: could not submit: ${reason}`,
      now,
    });
    markPushHandled(ctx.db, push.id, taskId, now);
  })();
  return taskId;
}
