import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { openActionDb } from "../../../action/action-db.js";
import type { TaskView } from "../../../core/api/types.js";
import { readRunnerInbox, startActionHarness, type ActionHarness } from "../../helpers/action-harness.js";
import { commitAll, git, gitEnv, makeProject, runGit, sampleProject, writeFiles } from "../../helpers/action-git.js";
import { tempDir } from "../../helpers/temp-dir.js";

async function project(h: ActionHarness, work: string, owner: "alice" | "bob", name: string): Promise<{ dir: string; env: Record<string, string> }> {
  const env = gitEnv(work, h.tokens[owner]);
  const dir = join(work, `${owner}-${name}`);
  await makeProject(dir, sampleProject(), env);
  return { dir, env };
}

function statusOf(h: ActionHarness, taskId: string): { state: string; description: string } | undefined {
  const db = openActionDb(h.config.dataDir);
  try {
    return db.prepare("SELECT state, description FROM commit_statuses WHERE task_id = ?").get(taskId) as { state: string; description: string } | undefined;
  } finally {
    db.close();
  }
}

test("the push past a user's waiting cap gets an error status naming the limit and sends nothing; another user is unaffected", async (t) => {
  const h = await startActionHarness(t, { limits: { maxWaitingTasks: 2 } });
  const work = await tempDir(t);
  const alice = await project(h, work, "alice", "proj");
  // Three branches in one push: no runner takes them, so the first two wait.
  await git(alice.dir, ["push", "--quiet", h.gitUrl("alice", "proj"), "HEAD:refs/heads/ailab/a", "HEAD:refs/heads/ailab/b", "HEAD:refs/heads/ailab/c"], alice.env);
  const tasks = await h.waitForTasks((list) => list.length === 3);
  const refused = tasks.filter((x) => x.state === "error");
  assert.equal(refused.length, 1, JSON.stringify(tasks));
  assert.equal(tasks.filter((x) => x.state === "submitted").length, 2);
  assert.equal(refused[0]!.description, "error: 2 tasks already waiting for alice (limit 2); cancel some or wait");
  assert.deepEqual((await readRunnerInbox(h.relay)).map((m) => m.kind), ["submit", "submit"], "nothing was sent for the refused push");
  for (let i = 0; i < 200 && !statusOf(h, refused[0]!.id); i++) await sleep(25);
  assert.deepEqual(statusOf(h, refused[0]!.id), { state: "error", description: refused[0]!.description }, "the forge shows the error");
  const tags = await git(join(h.config.dataDir, "repos", "alice", "proj.git"), ["tag", "--list", `ailab/${refused[0]!.id}`], gitEnv(work));
  assert.equal(tags, "", "a refused push is a status, not a release");
  const db = openActionDb(h.config.dataDir);
  assert.deepEqual(db.prepare("SELECT COUNT(*) AS n FROM forge_outbox WHERE task_id = ? AND kind = 'release'").get(refused[0]!.id), { n: 0 });
  db.close();

  const bob = await project(h, work, "bob", "proj");
  await git(bob.dir, ["push", "--quiet", h.gitUrl("bob", "proj"), "HEAD:refs/heads/ailab/train"], bob.env);
  const [bobs] = await h.waitForTasks((list) => list.length === 1, h.tokens.bob);
  assert.equal((bobs as TaskView).state, "submitted");

  // A new push of a waiting branch supersedes its task, so it is under the cap again.
  await writeFiles(alice.dir, { "notes.txt": "again\n" });
  await commitAll(alice.dir, "again", alice.env);
  await git(alice.dir, ["push", "--quiet", h.gitUrl("alice", "proj"), "HEAD:refs/heads/ailab/a"], alice.env);
  const after = await h.waitForTasks((list) => list.length === 4);
  assert.equal(after.filter((x) => x.state === "submitted" && x.branch === "ailab/a").length, 2, JSON.stringify(after));
});

test("a user at the repository cap cannot create another; git shows why and nothing is created", async (t) => {
  const h = await startActionHarness(t, { limits: { maxReposPerUser: 1 } });
  const work = await tempDir(t);
  const alice = await project(h, work, "alice", "one");
  await git(alice.dir, ["push", "--quiet", h.gitUrl("alice", "one"), "HEAD:refs/heads/main"], alice.env);
  const second = await runGit(alice.dir, ["push", h.gitUrl("alice", "two"), "HEAD:refs/heads/main"], alice.env);
  assert.notEqual(second.exitCode, 0);
  assert.match(second.stderr, /remote: alice has 1 repositories already \(limit 1\)/);
  assert.equal(existsSync(join(h.config.dataDir, "repos", "alice", "two.git")), false);
  await git(alice.dir, ["push", "--quiet", h.gitUrl("alice", "one"), "HEAD:refs/heads/other"], alice.env);

  const bob = await project(h, work, "bob", "mine");
  await git(bob.dir, ["push", "--quiet", h.gitUrl("bob", "mine"), "HEAD:refs/heads/main"], bob.env);
});

test("first pushes to new repositories in parallel cannot pass the repository cap together", async (t) => {
  const h = await startActionHarness(t, { limits: { maxReposPerUser: 1 } });
  const work = await tempDir(t);
  const alice = await project(h, work, "alice", "proj");
  const pushes = await Promise.all(["r1", "r2", "r3"].map((name) => runGit(alice.dir, ["push", "--quiet", h.gitUrl("alice", name), "HEAD:refs/heads/main"], alice.env)));
  const created = ["r1", "r2", "r3"].filter((name) => existsSync(join(h.config.dataDir, "repos", "alice", `${name}.git`)));
  assert.equal(created.length, 1, pushes.map((p) => p.stderr).join("\n"));
  assert.equal(pushes.filter((p) => p.exitCode === 0).length, 1);
});

test("a push over the size limit is refused and nothing of it is kept", async (t) => {
  const h = await startActionHarness(t, { limits: { maxPushMb: 1 } });
  const work = await tempDir(t);
  const alice = await project(h, work, "alice", "proj");
  await git(alice.dir, ["push", "--quiet", h.gitUrl("alice", "proj"), "HEAD:refs/heads/main"], alice.env);
  const bare = join(h.config.dataDir, "repos", "alice", "proj.git");
  const refsBefore = await git(bare, ["for-each-ref"], gitEnv(work));

  await writeFiles(alice.dir, { "big.bin": randomBytes(3 * 1024 * 1024).toString("base64") });
  await commitAll(alice.dir, "too big", alice.env);
  const blob = await git(alice.dir, ["rev-parse", "HEAD:big.bin"], alice.env);
  const push = await runGit(alice.dir, ["push", h.gitUrl("alice", "proj"), "HEAD:refs/heads/ailab/big"], alice.env);
  assert.notEqual(push.exitCode, 0);
  assert.match(push.stderr, /exceeds maximum allowed size/);
  assert.equal(await git(bare, ["for-each-ref"], gitEnv(work)), refsBefore, "no ref moved");
  assert.notEqual((await runGit(bare, ["cat-file", "-e", blob], gitEnv(work))).exitCode, 0, "the pack was not kept");
  assert.deepEqual((await h.api(h.tokens.alice, "/api/tasks")).body, { tasks: [] });
});

test("a user's git requests past the per-user cap get 503 while others' go on", async (t) => {
  const h = await startActionHarness(t, { limits: { maxGitPerUser: 1 } });
  const work = await tempDir(t);
  const alice = await project(h, work, "alice", "proj");
  await git(alice.dir, ["push", "--quiet", h.gitUrl("alice", "proj"), "HEAD:refs/heads/main"], alice.env);
  const bob = await project(h, work, "bob", "proj");
  await git(bob.dir, ["push", "--quiet", h.gitUrl("bob", "proj"), "HEAD:refs/heads/main"], bob.env);

  // A push that never finishes sending holds alice's one git process.
  const url = new URL(`${h.gitUrl("alice", "proj")}/git-receive-pack`);
  const held = request(url, {
    method: "POST",
    headers: { Authorization: basic(h.tokens.alice), "Content-Type": "application/x-git-receive-pack-request" },
  });
  held.on("error", () => {});
  held.write("0000");
  const refsUrl = (owner: string) => `${h.gitUrl(owner, "proj")}/info/refs?service=git-upload-pack`;
  let busy: Response | undefined;
  for (let i = 0; i < 200; i++) {
    busy = await fetch(refsUrl("alice"), { headers: { Authorization: basic(h.tokens.alice) } });
    if (busy.status === 503) break;
    await busy.body?.cancel();
    await sleep(25);
  }
  assert.equal(busy?.status, 503);
  assert.match(await busy.text(), /alice has 1 git requests running already \(limit 1\)/);
  const others = await fetch(refsUrl("bob"), { headers: { Authorization: basic(h.tokens.bob) } });
  assert.equal(others.status, 200, "bob is not held up by alice");
  await others.body?.cancel();

  held.destroy();
  let free: Response | undefined;
  for (let i = 0; i < 200; i++) {
    free = await fetch(refsUrl("alice"), { headers: { Authorization: basic(h.tokens.alice) } });
    await free.body?.cancel();
    if (free.status === 200) break;
    await sleep(25);
  }
  assert.equal(free?.status, 200, "the slot comes back when the request ends");
});

function basic(token: string): string {
  return `Basic ${Buffer.from(`x:${token}`).toString("base64")}`;
}
