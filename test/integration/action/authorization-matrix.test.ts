import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { openActionDb } from "../../../action/action-db.js";
import { revokeToken } from "../../../action/users/revoke-access.js";
import { hashToken, tokenId } from "../../../action/users/tokens.js";
import { addUser, grantAccess, issueToken } from "../../../action/users/user-store.js";
import type { TaskView } from "../../../core/api/types.js";
import { startActionHarness, type ActionHarness } from "../../helpers/action-harness.js";
import { commitAll, git, gitEnv, makeProject, runGit, sampleProject, writeFiles } from "../../helpers/action-git.js";
import { tempDir } from "../../helpers/temp-dir.js";

/**
 * Every API and git route of the built-in host against every kind of
 * caller. Each row says the status the caller gets; a refused row also
 * proves that nothing changed: no task state, no message to a runner, no
 * ref, no repository.
 */
type Plain = "owner" | "reader" | "writer" | "other" | "admin" | "none" | "revoked" | "expired";
/** crossSite: the owner's token from a page on another site; basicApi: the owner's token as HTTP Basic, as a browser resends it. */
type Caller = Plain | "crossSite" | "basicApi";
const CALLERS: readonly Plain[] = ["owner", "reader", "writer", "other", "admin", "none", "revoked", "expired"];

interface World {
  h: ActionHarness;
  work: string;
  project: string;
  taskId: string;
  tokens: Record<"owner" | "reader" | "writer" | "other" | "admin" | "revoked" | "expired", string>;
}

async function setUp(t: import("node:test").TestContext): Promise<World> {
  const h = await startActionHarness(t);
  const work = await tempDir(t);
  const env = gitEnv(work, h.tokens.alice);
  const project = join(work, "proj");
  await makeProject(project, sampleProject(), env);
  await git(project, ["push", "--quiet", h.gitUrl("alice", "proj"), "HEAD:refs/heads/ailab/train"], env);
  const [task] = await h.waitForTasks((tasks) => tasks.length === 1);
  const db = openActionDb(h.config.dataDir);
  const reader = addUser(db, "carol");
  const writer = addUser(db, "dave");
  grantAccess(db, "carol", { owner: "alice", name: "proj" }, false);
  grantAccess(db, "dave", { owner: "alice", name: "proj" }, true);
  const revoked = issueToken(db, "alice");
  revokeToken(db, tokenId(hashToken(revoked)));
  const expired = issueToken(db, "alice", new Date(Date.now() - 2 * 3600_000), { expiresAt: new Date(Date.now() - 3600_000) });
  db.close();
  return { h, work, project, taskId: task!.id, tokens: { owner: h.tokens.alice, reader, writer, other: h.tokens.bob, admin: h.tokens.root, revoked, expired } };
}

/** What a refused request must leave as it was. */
async function fingerprint(w: World): Promise<string> {
  const db = openActionDb(w.h.config.dataDir);
  try {
    const tasks = db.prepare("SELECT id, state, cancel_requested FROM tasks ORDER BY id").all();
    const outbox = db.prepare("SELECT key FROM outbox ORDER BY key").all();
    const refs = await git(join(w.h.config.dataDir, "repos", "alice", "proj.git"), ["for-each-ref"], gitEnv(w.work));
    return JSON.stringify({ tasks, outbox, refs, created: existsSync(join(w.h.config.dataDir, "repos", "alice", "fresh.git")) });
  } finally {
    db.close();
  }
}

function headersFor(w: World, caller: Caller, scheme: "bearer" | "basic"): Headers {
  const headers = new Headers();
  if (caller === "none") return headers;
  const token = caller === "crossSite" || caller === "basicApi" ? w.tokens.owner : w.tokens[caller];
  headers.set("Authorization", scheme === "bearer" && caller !== "basicApi" ? `Bearer ${token}` : `Basic ${Buffer.from(`x:${token}`).toString("base64")}`);
  if (caller === "crossSite") {
    headers.set("Origin", "https://evil.example");
    headers.set("Sec-Fetch-Site", "cross-site");
  }
  return headers;
}

interface Route {
  name: string;
  method: string;
  path: (w: World) => string;
  /** git routes take Basic (as git sends it), the API Bearer (as the CLI sends it). */
  scheme: "bearer" | "basic";
  expect: Partial<Record<Caller, number>>;
  /** The error code each caller's answer carries, where it tells two 404s apart. */
  codes?: Partial<Record<Caller, string>>;
}

const everyone = (status: number): Partial<Record<Caller, number>> => ({ owner: status, reader: status, writer: status, other: status, admin: status, none: 401, revoked: 401, expired: 401 });
const readers = (status: number): Partial<Record<Caller, number>> => ({ ...everyone(status), other: 404 });

const ROUTES: Route[] = [
  { name: "whoami", method: "GET", path: () => "/api/whoami", scheme: "bearer", expect: everyone(200) },
  { name: "runners", method: "GET", path: () => "/api/runners", scheme: "bearer", expect: everyone(200) },
  { name: "task list", method: "GET", path: () => "/api/tasks", scheme: "bearer", expect: everyone(200) },
  { name: "task", method: "GET", path: (w) => `/api/tasks/${w.taskId}`, scheme: "bearer", expect: readers(200) },
  { name: "task logs", method: "GET", path: (w) => `/api/tasks/${w.taskId}/logs`, scheme: "bearer", expect: readers(200) },
  { name: "task artifacts", method: "GET", path: (w) => `/api/tasks/${w.taskId}/artifacts`, scheme: "bearer", expect: readers(200) },
  {
    name: "one artifact",
    method: "GET",
    path: (w) => `/api/tasks/${w.taskId}/artifacts/run.json`,
    scheme: "bearer",
    // The task has none yet: who may see the task hears that; anyone else hears there is no such task.
    expect: readers(404),
    codes: { owner: "NoSuchArtifact", reader: "NoSuchArtifact", writer: "NoSuchArtifact", admin: "NoSuchArtifact", other: "NoSuchTask" },
  },
  { name: "task page", method: "GET", path: (w) => `/tasks/${w.taskId}`, scheme: "basic", expect: readers(200) },
  {
    name: "task cancel",
    method: "POST",
    path: (w) => `/api/tasks/${w.taskId}/cancel`,
    scheme: "bearer",
    // Seeing a task is not cancelling it: a read grant is 403; Basic (what a browser resends) and another site are refused.
    expect: { ...readers(202), reader: 403, crossSite: 403, basicApi: 403 },
  },
  { name: "clone refs", method: "GET", path: () => "/git/alice/proj.git/info/refs?service=git-upload-pack", scheme: "basic", expect: readers(200) },
  { name: "push refs", method: "GET", path: () => "/git/alice/proj.git/info/refs?service=git-receive-pack", scheme: "basic", expect: { ...readers(200), reader: 403 } },
  {
    name: "push refs of a repository that does not exist",
    method: "GET",
    path: () => "/git/alice/fresh.git/info/refs?service=git-receive-pack",
    scheme: "basic",
    // The owner is shown an empty repository (the push creates it); nobody's GET creates it.
    expect: { ...readers(404), owner: 200 },
  },
  { name: "HEAD of push refs of a repository that does not exist", method: "HEAD", path: () => "/git/alice/fresh.git/info/refs?service=git-receive-pack", scheme: "basic", expect: { owner: 200, other: 404 } },
  { name: "receive-pack from another site", method: "POST", path: () => "/git/alice/proj.git/git-receive-pack", scheme: "basic", expect: { crossSite: 403 } },
];

test("authorization matrix: every API and git route, every kind of caller", async (t) => {
  const w = await setUp(t);
  const rows = ROUTES.flatMap((route) => [...CALLERS, "crossSite" as const, "basicApi" as const].filter((c) => route.expect[c] !== undefined).map((caller) => ({ route, caller })));
  // Refusals first, so that what an allowed cancel changes cannot hide what a refused one did.
  rows.sort((a, b) => Number(a.route.expect[a.caller]! < 300) - Number(b.route.expect[b.caller]! < 300));
  for (const { route, caller } of rows) {
    const expected = route.expect[caller]!;
    const before = await fingerprint(w);
    const response = await fetch(`${w.h.url}${route.path(w)}`, { method: route.method, headers: headersFor(w, caller, route.scheme) });
    const text = await response.text();
    assert.equal(response.status, expected, `${route.method} ${route.name} as ${caller}: ${text}`);
    const code = route.codes?.[caller];
    if (code) assert.equal((JSON.parse(text) as { error: { code: string } }).error.code, code, `${route.name} as ${caller}`);
    if (expected >= 400) assert.equal(await fingerprint(w), before, `${route.method} ${route.name} as ${caller} changed something`);
    if (caller === "expired") assert.match(text, /expired/, `${route.name}: the 401 says the token expired`);
    if (caller === "revoked") assert.match(text, /revoked/, `${route.name}: the 401 says the token was revoked`);
    assert.equal(existsSync(join(w.h.config.dataDir, "repos", "alice", "fresh.git")), false, `${route.method} ${route.name} as ${caller} created a repository`);
  }
  const view = (await w.h.api(w.tokens.owner, `/api/tasks/${w.taskId}`)).body as TaskView;
  assert.equal(view.state, "submitted", "the cancel waits for the runner");
});

test("authorization matrix: git clone and push to an existing repository, and push to a new one, every kind of caller", async (t) => {
  const w = await setUp(t);
  const pushAllowed: Record<Plain, boolean> = {
    owner: true,
    reader: false,
    writer: true,
    other: false,
    admin: true,
    none: false,
    revoked: false,
    expired: false,
  };
  await writeFiles(w.project, { "notes.txt": "a change\n" });
  const commit = await commitAll(w.project, "a change", gitEnv(w.work, w.tokens.owner));
  for (const caller of CALLERS) {
    const env = gitEnv(w.work, caller === "none" ? undefined : w.tokens[caller]);
    const before = await fingerprint(w);
    const push = await runGit(w.project, ["push", "--quiet", w.h.gitUrl("alice", "proj"), `HEAD:refs/heads/m-${caller}`], env);
    assert.equal(push.exitCode === 0, pushAllowed[caller], `push as ${caller}: ${push.stderr}`);
    const branch = await runGit(join(w.h.config.dataDir, "repos", "alice", "proj.git"), ["rev-parse", "--verify", "--quiet", `refs/heads/m-${caller}`], gitEnv(w.work));
    if (pushAllowed[caller]) assert.equal(branch.stdout.trim(), commit);
    else assert.equal(await fingerprint(w), before, `a refused push as ${caller} changed something`);

    const clone = await runGit(w.work, ["clone", "--quiet", w.h.gitUrl("alice", "proj"), join(w.work, `clone-${caller}`)], env);
    assert.equal(clone.exitCode === 0, ["owner", "reader", "writer", "admin"].includes(caller), `clone as ${caller}: ${clone.stderr}`);

    // Only the owner's push creates alice/fresh.
    const create = await runGit(w.project, ["push", "--quiet", w.h.gitUrl("alice", "fresh"), "HEAD:refs/heads/main"], env);
    const created = existsSync(join(w.h.config.dataDir, "repos", "alice", "fresh.git"));
    if (caller === "owner") {
      assert.equal(create.exitCode, 0, create.stderr);
      assert.equal(created, true);
    } else if (!created) {
      assert.notEqual(create.exitCode, 0, `${caller} created alice/fresh`);
    }
  }
});
