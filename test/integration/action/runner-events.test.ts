import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdir, stat, truncate, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import type { TaskView } from "../../../core/api/types.js";
import { sha256 } from "../../../core/hash.js";
import { deliver, inboxes, sealMessage } from "../../../core/protocol/mailbox.js";
import type { Completion, RunCard, TaskEvent } from "../../../core/protocol/messages.js";
import { relayKeys } from "../../../core/relay/layout.js";
import { ACTION_TEST_SECRET, readRunnerInbox, startActionHarness, type ActionHarness } from "../../helpers/action-harness.js";
import { git, gitEnv, makeProject, sampleProject } from "../../helpers/action-git.js";
import { tempDir } from "../../helpers/temp-dir.js";

async function pushTask(h: ActionHarness, work: string): Promise<{ project: string; env: Record<string, string>; task: TaskView }> {
  const env = gitEnv(work, h.tokens.alice);
  const project = join(work, "proj");
  await makeProject(project, sampleProject(), env);
  await git(project, ["remote", "add", "origin", h.gitUrl("alice", "proj")], env);
  await git(project, ["push", "--quiet", "origin", "HEAD:refs/heads/ailab/train"], env);
  const [task] = await h.waitForTasks((tasks) => tasks.length === 1);
  return { project, env, task: task! };
}

function send(h: ActionHarness, body: TaskEvent | Completion, secret = ACTION_TEST_SECRET): Promise<void> {
  return deliver(h.relay, sealMessage(inboxes.action(), body, secret));
}

function event(taskId: string, seq: number, state: TaskEvent["state"], description: string): TaskEvent {
  return { kind: "event", taskId, seq, state, description, at: Date.now() };
}

function completion(task: TaskView, artifacts: Completion["artifacts"], state: Completion["state"] = "success"): Completion {
  const runCard: RunCard = {
    taskId: task.id,
    user: task.user,
    repo: task.repo,
    branch: task.branch,
    commit: task.commit,
    envHash: "0".repeat(64),
    scheduler: "local",
    jobId: "1234",
    node: "localhost",
    gpus: 0,
    gpuIds: [],
    submittedAt: null,
    startedAt: null,
    endedAt: null,
    exitCode: state === "success" ? 0 : 1,
    state,
    description: "done",
    gpuHours: 0,
  };
  return {
    kind: "completion",
    taskId: task.id,
    state,
    description: state === "success" ? "completed in 0:00:03" : "exit code 1",
    exitCode: state === "success" ? 0 : 1,
    durationSeconds: 3,
    artifacts,
    runCard,
    at: Date.now(),
  };
}

/** Waits until the action has taken every message out of its inbox. */
async function inboxDrained(h: ActionHarness): Promise<void> {
  for (let i = 0; i < 200 && (await h.relay.list(inboxes.action())).length > 0; i++) await sleep(20);
  await sleep(60); // one more cycle for the forge sync
}

test("runner events and a completion move the status pending → success, as a note, a tag and artifacts", async (t) => {
  const h = await startActionHarness(t);
  const work = await tempDir(t);
  const { project, env, task } = await pushTask(h, work);

  await send(h, event(task.id, 1, "building", "building environment"));
  await h.waitForTask(task.id, (v) => v.state === "building" && v.forgeState === "pending" && v.description === "building environment");
  await send(h, event(task.id, 3, "running", "running 0:00:01 · epoch 1/2"));
  await send(h, event(task.id, 2, "building", "an older event"));
  await inboxDrained(h);
  const running = await h.waitForTask(task.id, (v) => v.state === "running");
  assert.equal(running.description, "running 0:00:01 · epoch 1/2", "an older seq changes nothing");

  // A log in two chunks, read through the API from an offset.
  await h.relay.put(relayKeys.logChunk(task.id, 0), Buffer.from("epoch 1\n"));
  await h.relay.put(relayKeys.logChunk(task.id, 8), Buffer.from("epoch 2\n"));
  const logs = await fetch(`${h.url}/api/tasks/${task.id}/logs?offset=4`, { headers: { Authorization: `Bearer ${h.tokens.alice}` } });
  assert.equal(await logs.text(), "h 1\nepoch 2\n");
  assert.equal(logs.headers.get("x-ailab-log-offset"), "16");
  assert.equal(logs.headers.get("x-ailab-task-state"), "running");

  // A forged message (wrong secret) changes nothing.
  await send(h, completion(task, [], "failure"), "a-different-secret-0123456789");
  await inboxDrained(h);
  assert.equal((await h.waitForTask(task.id, () => true)).state, "running");

  const model = randomBytes(300_000);
  const artifacts = [
    { name: "results.tar.gz", key: relayKeys.result(task.id, "results.tar.gz"), size: model.length, sha256: sha256(model) },
  ];
  await h.relay.put(artifacts[0]!.key, model);
  await send(h, completion(task, artifacts));
  const done = await h.waitForTask(task.id, (v) => v.state === "success");
  assert.equal(done.forgeState, "success");
  assert.equal(done.exitCode, 0);
  assert.deepEqual(done.artifacts, [{ name: "results.tar.gz", size: model.length, sha256: sha256(model) }]);

  // A duplicate (or contradicting) completion after the end changes nothing.
  await send(h, completion(task, [], "failure"));
  await send(h, event(task.id, 9, "running", "late event"));
  await inboxDrained(h);
  const after = await h.waitForTask(task.id, () => true);
  assert.equal(after.state, "success");
  assert.equal(after.description, done.description);

  const list = await h.api(h.tokens.alice, `/api/tasks/${task.id}/artifacts`);
  assert.deepEqual(list.body, { artifacts: done.artifacts });
  const download = await fetch(`${h.url}/api/tasks/${task.id}/artifacts/results.tar.gz`, { headers: { Authorization: `Bearer ${h.tokens.alice}` } });
  assert.equal(download.status, 200);
  assert.equal(download.headers.get("content-length"), String(model.length));
  assert.ok(Buffer.from(await download.arrayBuffer()).equals(model), "byte-identical");
  assert.equal((await h.api(h.tokens.bob, `/api/tasks/${task.id}/artifacts/results.tar.gz`)).status, 404);

  // The status as git notes on the commit, and the result tag, in a clone.
  await git(project, ["fetch", "--quiet", "origin", "refs/notes/ailab:refs/notes/ailab", "--tags"], env);
  const shown = await git(project, ["log", "-1", "--notes=ailab", "--format=%N", task.commit], env);
  assert.equal(shown, `ailab/train: success — ${done.description} (${task.id})`);
  assert.equal(await git(project, ["rev-parse", `ailab/${task.id}^{commit}`], env), task.commit);

  const page = await fetch(`${h.url}/tasks/${task.id}`, { headers: { Authorization: `Basic ${Buffer.from(`x:${h.tokens.alice}`).toString("base64")}` } });
  assert.equal(page.status, 200);
  assert.match(await page.text(), /results\.tar\.gz/);
});

test("cancel is 202 with a Cancel to the runner, the state waits for the runner, then 409 once ended", async (t) => {
  const h = await startActionHarness(t);
  const work = await tempDir(t);
  const { task } = await pushTask(h, work);
  const first = await h.api(h.tokens.alice, `/api/tasks/${task.id}/cancel`, { method: "POST" });
  assert.equal(first.status, 202);
  assert.equal((first.body as TaskView).state, "submitted");
  await h.waitForTasks(() => true);
  for (let i = 0; i < 100 && (await readRunnerInbox(h.relay)).length < 2; i++) await sleep(20);
  assert.deepEqual(
    (await readRunnerInbox(h.relay)).map((m) => m.kind),
    ["submit", "cancel"],
  );
  await send(h, completion(task, [], "cancelled"));
  const ended = await h.waitForTask(task.id, (v) => v.state === "cancelled");
  assert.equal(ended.forgeState, "failure");
  assert.match(ended.description, /cancel/);
  assert.equal((await h.api(h.tokens.alice, `/api/tasks/${task.id}/cancel`, { method: "POST" })).status, 409);
});

test("a 3 GiB 0.json dropped into the action's inbox is moved aside unread, and the runner's events behind it are applied", async (t) => {
  const h = await startActionHarness(t);
  const work = await tempDir(t);
  const { task } = await pushTask(h, work);
  const dropped = join(h.relay.root, inboxes.action(), "0.json");
  await mkdir(dirname(dropped), { recursive: true });
  await writeFile(dropped, "");
  await truncate(dropped, 3 * 1024 ** 3); // sparse: costs no disk
  const { ino } = await stat(dropped);
  await send(h, event(task.id, 0, "running", "running 0:00:01"));
  const running = await h.waitForTask(task.id, (v) => v.state === "running");
  assert.equal(running.description, "running 0:00:01");
  const aside = await stat(join(h.relay.root, relayKeys.rejected(`${inboxes.action()}0.json`)));
  assert.equal(aside.ino, ino, "moved, not copied");
  assert.ok(aside.blocks * 512 < 1024 * 1024, "still sparse: never read or written out");
  await assert.rejects(stat(dropped), { code: "ENOENT" }, "nothing is left in the inbox's way");
});
