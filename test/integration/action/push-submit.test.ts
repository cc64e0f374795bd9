import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import type { TaskView } from "../../../core/api/types.js";
import { inboxes } from "../../../core/protocol/mailbox.js";
import { openEnvelope } from "../../../core/protocol/envelope.js";
import { EnvManifest, ToRunner, TreeManifest } from "../../../core/protocol/messages.js";
import { relayKeys } from "../../../core/relay/layout.js";
import { ACTION_TEST_SECRET, readRunnerInbox, startActionHarness } from "../../helpers/action-harness.js";
import { commitAll, git, gitEnv, makeProject, sampleProject, writeFiles } from "../../helpers/action-git.js";
import { pushAliceProject } from "../../helpers/action-push.js";
import { tempDir } from "../../helpers/temp-dir.js";

test("a push of ailab/train sends one signed Submit and lists the task as submitted/pending", async (t) => {
  const h = await startActionHarness(t);
  const work = await tempDir(t);
  const env = gitEnv(work, h.tokens.alice);
  const project = join(work, "proj");
  const commit = await makeProject(project, sampleProject(), env);
  assert.equal(commit, "b089bea12b742273c4d892f5dd5448a4884b61ef", "fixed dates give a fixed commit id");

  await git(project, ["push", "--quiet", h.gitUrl("alice", "proj"), "HEAD:refs/heads/ailab/train"], env);

  const keys = await h.relay.list(inboxes.runner("local"));
  assert.equal(keys.length, 1, "exactly one message for the runner");
  const message = openEnvelope((await h.relay.get(keys[0]!))!, ACTION_TEST_SECRET, ToRunner);
  assert.equal(message.body.kind, "submit");
  if (message.body.kind !== "submit") return;
  assert.equal(message.body.commit, commit);
  assert.equal(message.body.repo, "alice/proj");
  assert.equal(message.body.branch, "ailab/train");
  assert.equal(message.body.user, "alice");
  assert.equal(message.body.task.name, "train");
  assert.deepEqual(message.body.task.run.commands, ["python train.py"]);
  const raw = (await h.relay.get(keys[0]!))!;
  assert.throws(() => openEnvelope(raw, "another-secret-0123456789", ToRunner), { code: "BadSignature" });

  const tree = TreeManifest.parse(JSON.parse(Buffer.from((await h.relay.get(relayKeys.tree(message.body.tree)))!).toString()));
  assert.deepEqual(
    tree.entries.map((e) => e.path),
    ["configs/base.yaml", "pyproject.toml", "task.toml", "train.py", "uv.lock"],
  );
  for (const entry of tree.entries) assert.ok(await h.relay.has(relayKeys.object(entry.object)), `object of ${entry.path}`);
  const envManifest = EnvManifest.parse(JSON.parse(Buffer.from((await h.relay.get(relayKeys.env(message.body.env)))!).toString()));
  assert.equal(envManifest.pyproject, tree.entries.find((e) => e.path === "pyproject.toml")!.object);
  assert.equal(envManifest.lockfile, tree.entries.find((e) => e.path === "uv.lock")!.object);

  const { status, body } = await h.api(h.tokens.alice, "/api/tasks");
  assert.equal(status, 200);
  const tasks = (body as { tasks: TaskView[] }).tasks;
  assert.equal(tasks.length, 1);
  assert.equal(tasks[0]!.id, message.body.taskId);
  assert.equal(tasks[0]!.state, "submitted");
  assert.equal(tasks[0]!.forgeState, "pending");
  assert.equal(tasks[0]!.description, "submitted");
  assert.equal(tasks[0]!.context, "ailab/train");
  assert.equal(tasks[0]!.targetUrl, `${h.url}/tasks/${message.body.taskId}`);
});

test("a second push with one file changed uploads exactly one new object", async (t) => {
  const h = await startActionHarness(t);
  const { env, project } = await pushAliceProject(t, h);
  const before = await h.relay.list("objects/");

  await writeFiles(project, { "train.py": 'print("training harder")\n' });
  await commitAll(project, "change one file", env);
  await git(project, ["push", "--quiet", h.gitUrl("alice", "proj"), "HEAD:refs/heads/ailab/train"], env);

  const after = await h.relay.list("objects/");
  assert.equal(after.length, before.length + 1);
  const messages = await readRunnerInbox(h.relay);
  assert.deepEqual(
    messages.map((m) => m.kind).sort(),
    ["cancel", "submit", "submit"],
    "the second push is submitted and supersedes the first",
  );
});

test("ignore rules, symlinks and submodules: only regular files that are not ignored are uploaded", async (t) => {
  const h = await startActionHarness(t);
  const work = await tempDir(t);
  const env = gitEnv(work, h.tokens.alice);
  const project = join(work, "proj");
  const files = sampleProject({
    ".ailabignore": "data/\n",
    "data/huge.bin": "pretend this is large\n",
    "model.ckpt": "weights\n",
    "task.toml": sampleProject()["task.toml"]! + '\n[files]\nignore = ["*.ckpt"]\n',
  });
  await makeProject(project, files, env);
  await symlink("/etc/passwd", join(project, "passwd-link"));
  await git(project, ["add", "passwd-link"], env);
  await git(project, ["update-index", "--add", "--cacheinfo", `160000,${"1".repeat(40)},vendor/lib`], env);
  await commitAll(project, "links and a submodule", env);
  await git(project, ["push", "--quiet", h.gitUrl("alice", "proj"), "HEAD:refs/heads/ailab/train"], env);

  const [message] = await readRunnerInbox(h.relay);
  assert.equal(message?.kind, "submit");
  if (message?.kind !== "submit") return;
  const tree = TreeManifest.parse(JSON.parse(Buffer.from((await h.relay.get(relayKeys.tree(message.tree)))!).toString()));
  assert.deepEqual(
    tree.entries.map((e) => e.path),
    [".ailabignore", "configs/base.yaml", "pyproject.toml", "task.toml", "train.py", "uv.lock"],
  );
});

test("a push larger than git's post buffer (sent chunked) goes through", async (t) => {
  const h = await startActionHarness(t);
  const work = await tempDir(t);
  const env = gitEnv(work, h.tokens.alice);
  const project = join(work, "proj");
  await makeProject(project, sampleProject(), env);
  await writeFile(join(project, "weights.bin"), randomBytes(3 * 1024 * 1024));
  const commit = await commitAll(project, "a big file", env);
  await git(project, ["push", "--quiet", h.gitUrl("alice", "proj"), "HEAD:refs/heads/ailab/big"], env);
  const [message] = await readRunnerInbox(h.relay);
  assert.equal(message?.kind === "submit" && message.commit, commit);
});
