import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { openActionDb } from "../../../action/action-db.js";
import { grantAccess } from "../../../action/users/user-store.js";
import type { TaskView } from "../../../core/api/types.js";
import { startActionHarness, type ActionHarness } from "../../helpers/action-harness.js";
import { commitAll, git, gitEnv, makeProject, runGit, sampleProject, writeFiles } from "../../helpers/action-git.js";
import { tempDir } from "../../helpers/temp-dir.js";

async function alicePushes(h: ActionHarness, work: string): Promise<{ project: string; commit: string; task: TaskView }> {
  const env = gitEnv(work, h.tokens.alice);
  const project = join(work, "proj");
  const commit = await makeProject(project, sampleProject(), env);
  await git(project, ["push", "--quiet", h.gitUrl("alice", "proj"), "HEAD:refs/heads/ailab/train"], env);
  const [task] = await h.waitForTasks((tasks) => tasks.length === 1);
  return { project, commit, task: task! };
}

function bareRefs(h: ActionHarness, work: string): Promise<string> {
  return git(join(h.config.dataDir, "repos", "alice", "proj.git"), ["for-each-ref"], gitEnv(work));
}

test("bob can neither push to nor read alice's repository", async (t) => {
  const h = await startActionHarness(t);
  const work = await tempDir(t);
  const { project } = await alicePushes(h, work);
  const refsBefore = await bareRefs(h, work);

  const bob = gitEnv(work, h.tokens.bob);
  await writeFiles(project, { "train.py": "print('bob was here')\n" });
  await commitAll(project, "bob's change", bob);
  const push = await runGit(project, ["push", h.gitUrl("alice", "proj"), "HEAD:refs/heads/ailab/bob"], bob);
  assert.notEqual(push.exitCode, 0, "bob's push fails");
  assert.equal(await bareRefs(h, work), refsBefore, "no ref changed");

  const clone = await runGit(work, ["clone", h.gitUrl("alice", "proj"), join(work, "bob-clone")], bob);
  assert.notEqual(clone.exitCode, 0, "bob's clone fails");
  assert.match(clone.stderr, /not found/i);

  const create = await runGit(project, ["push", h.gitUrl("alice", "other"), "HEAD:refs/heads/main"], bob);
  assert.notEqual(create.exitCode, 0, "bob cannot create a repository in alice's name");
  assert.equal(existsSync(join(h.config.dataDir, "repos", "alice", "other.git")), false);

  const { body } = await h.api(h.tokens.bob, "/api/tasks");
  assert.deepEqual((body as { tasks: TaskView[] }).tasks, [], "bob sees none of alice's tasks");
});

test("bob gets 404 for alice's task, its cancel, logs and artifacts; no token is 401", async (t) => {
  const h = await startActionHarness(t);
  const work = await tempDir(t);
  const { task } = await alicePushes(h, work);
  for (const [method, path] of [
    ["GET", `/api/tasks/${task.id}`],
    ["POST", `/api/tasks/${task.id}/cancel`],
    ["GET", `/api/tasks/${task.id}/logs`],
    ["GET", `/api/tasks/${task.id}/artifacts`],
    ["GET", `/api/tasks/${task.id}/artifacts/run.json`],
  ] as const) {
    assert.equal((await h.api(h.tokens.bob, path, { method })).status, 404, `${method} ${path} as bob`);
    const anonymous = await h.api(undefined, path, { method });
    assert.equal(anonymous.status, 401, `${method} ${path} without a token`);
    assert.equal((anonymous.body as { error: { code: string } }).error.code, "Unauthorized");
    assert.equal((await h.api("ailab_" + "0".repeat(40), path, { method })).status, 401, `${method} ${path} with a bad token`);
  }
  assert.equal((await h.api(h.tokens.root, `/api/tasks/${task.id}`)).status, 200, "an admin sees it");
  assert.equal((await h.api(h.tokens.alice, `/api/tasks/${task.id}`)).status, 200, "its owner sees it");
  const page = await fetch(`${h.url}/tasks/${task.id}`);
  assert.equal(page.status, 401);
  assert.equal(page.headers.get("www-authenticate"), 'Basic realm="ailab"');
  await page.body?.cancel();

  const whoami = await h.api(h.tokens.bob, "/api/whoami");
  assert.deepEqual(whoami.body, { user: "bob", admin: false });
});

test("git without credentials is asked for them (401 with a Basic challenge)", async (t) => {
  const h = await startActionHarness(t);
  const response = await fetch(`${h.gitUrl("alice", "proj")}/info/refs?service=git-upload-pack`);
  assert.equal(response.status, 401);
  assert.equal(response.headers.get("www-authenticate"), 'Basic realm="ailab"');
  await response.body?.cancel();
  const work = await tempDir(t);
  const clone = await runGit(work, ["clone", h.gitUrl("alice", "proj"), join(work, "c")], gitEnv(work));
  assert.notEqual(clone.exitCode, 0);
});

test("a grant lets bob read alice's repository and tasks; a write grant lets him push", async (t) => {
  const h = await startActionHarness(t);
  const work = await tempDir(t);
  const { task, commit } = await alicePushes(h, work);
  const db = openActionDb(h.config.dataDir);
  grantAccess(db, "bob", { owner: "alice", name: "proj" }, false);

  const bob = gitEnv(work, h.tokens.bob);
  const clone = join(work, "bob-clone");
  await git(work, ["clone", "--quiet", h.gitUrl("alice", "proj"), clone], bob);
  assert.equal(await git(clone, ["rev-parse", "origin/ailab/train"], bob), commit);
  assert.equal((await h.api(h.tokens.bob, `/api/tasks/${task.id}`)).status, 200);
  await writeFiles(clone, { "bob.txt": "hello\n" });
  await commitAll(clone, "bob's change", bob);
  const refused = await runGit(clone, ["push", "origin", "HEAD:refs/heads/ailab/bob"], bob);
  assert.notEqual(refused.exitCode, 0, "a read grant does not allow pushing");
  assert.match(refused.stderr, /403/);

  grantAccess(db, "bob", { owner: "alice", name: "proj" }, true);
  db.close();
  await git(clone, ["push", "--quiet", "origin", "HEAD:refs/heads/ailab/bob"], bob);
  const tasks = await h.waitForTasks((list) => list.length === 2);
  assert.equal(tasks.find((x) => x.branch === "ailab/bob")?.user, "bob", "the pusher is the task's user");
});

test("the owner's first push creates the repository; the action's own refs cannot be pushed over", async (t) => {
  const h = await startActionHarness(t);
  const work = await tempDir(t);
  const env = gitEnv(work, h.tokens.alice);
  const project = join(work, "fresh");
  const commit = await makeProject(project, sampleProject(), env);
  await git(project, ["push", "--quiet", h.gitUrl("alice", "fresh"), "HEAD:refs/heads/main"], env);
  assert.equal(await git(join(h.config.dataDir, "repos", "alice", "fresh.git"), ["rev-parse", "main"], env), commit);
  const forged = await runGit(project, ["push", h.gitUrl("alice", "fresh"), "HEAD:refs/tags/ailab/forged"], env);
  assert.notEqual(forged.exitCode, 0, "refs/tags/ailab/* belong to the action");
  const bad = await runGit(project, ["push", `${h.url}/git/alice/..%2Fbob/x.git`, "HEAD:refs/heads/main"], env);
  assert.notEqual(bad.exitCode, 0);
});
