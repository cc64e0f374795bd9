import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import { Octokit } from "@octokit/rest";
import { git, makeProject, runGit } from "../../helpers/action-git.js";
import { forgeGitEnv, withCredentials } from "../../helpers/forge/forge-git-env.js";
import { startFakeGitea, type FakeGiteaOptions } from "../../helpers/forge/fake-gitea.js";
import { startWebhookReceiver } from "../../helpers/forge/webhook-receiver.js";
import { tempDir } from "../../helpers/temp-dir.js";

// The fake Gitea's rules and faults: hook defaults, filters and org hooks,
// tags, permissions, size limits, an outage, dropped and replayed deliveries.

const ZERO = "0".repeat(40);

async function world(t: TestContext, options: FakeGiteaOptions = {}) {
  const gitea = await startFakeGitea(options);
  t.after(() => gitea.stop());
  const receiver = await startWebhookReceiver();
  t.after(() => receiver.stop());
  const alice = gitea.addUser("alice");
  const home = await tempDir(t);
  const env = forgeGitEnv(home);
  const work = join(home, "work");
  const sha = await makeProject(work, { "a.txt": "a\n" }, env);
  return { gitea, receiver, alice, env, work, sha, octokit: new Octokit({ baseUrl: gitea.apiUrl, auth: `token ${alice.token}` }) };
}

const hookBody = (url: string, extra: Record<string, unknown> = {}) => ({
  type: "gitea" as const,
  config: { url, content_type: "json", secret: "s3cr3t" },
  events: ["push", "create", "delete"],
  ...extra,
});

test("hooks: inactive by default, branch_filter, org hooks for every repo, Forgejo headers, tag events", async (t) => {
  const { gitea, receiver, alice, env, work, sha, octokit } = await world(t, { dialect: "forgejo" });
  gitea.addOrg("course", { owners: ["alice"] });
  const hw = gitea.addRepo("alice", "hw");
  const team = gitea.addRepo("course", "team");

  const inactive = await octokit.request("POST /repos/{owner}/{repo}/hooks", { owner: "alice", repo: "hw", ...hookBody(receiver.url) });
  assert.equal((inactive.data as { active: boolean }).active, false);
  await octokit.request("POST /repos/{owner}/{repo}/hooks", { owner: "alice", repo: "hw", ...hookBody(receiver.url, { active: true, branch_filter: "ailab/*" }) });
  // Gitea's org hook takes `type`, not GitHub's `name`: the untyped form of request().
  await octokit.request({ method: "POST", url: "/orgs/{org}/hooks", org: "course", ...hookBody(receiver.url, { active: true }) });
  assert.equal(gitea.hooks("alice", "hw").length, 2);
  assert.equal(gitea.hooks("course").length, 1);

  const hwRemote = withCredentials(hw.cloneUrl, "alice", alice.token);
  await git(work, ["push", "--quiet", hwRemote, "main", "main:ailab/x"], env);
  await gitea.settled();
  // The filtered hook lets only ailab/* through; the inactive one sends nothing.
  assert.deepEqual(receiver.received.map((r) => `${String(r.headers["x-forgejo-event"])} ${String((JSON.parse(r.body) as { ref: string }).ref)}`), ["create ailab/x", "push refs/heads/ailab/x"]);
  const first = receiver.received[0];
  assert.equal(first?.headers["x-forgejo-signature"], first?.headers["x-gitea-signature"]);
  assert.equal(first?.headers["x-gitea-hook-installation-target-type"], undefined);

  // A tag to the org's repo: the org hook sends push then create; deleting it sends push (after = zeros) then delete.
  const teamRemote = withCredentials(team.cloneUrl, "alice", alice.token);
  await git(work, ["tag", "v1"], env);
  await git(work, ["push", "--quiet", teamRemote, "v1"], env);
  await git(work, ["push", "--quiet", teamRemote, ":refs/tags/v1"], env);
  await gitea.settled();
  const tagEvents = receiver.received.slice(2).map((r) => {
    const body = JSON.parse(r.body) as { ref: string; after?: string; commits?: unknown[] };
    return `${String(r.headers["x-gitea-event"])} ${body.ref} ${body.after === ZERO ? "zero" : body.after === sha ? "sha" : "-"}`;
  });
  assert.deepEqual(tagEvents, ["push refs/tags/v1 sha", "create v1 -", "push refs/tags/v1 zero", "delete v1 -"]);
  assert.deepEqual(gitea.violations, []);
});

test("permissions: reading another user's permission, pushing without write, private repos", async (t) => {
  const { gitea, alice, env, work, octokit } = await world(t);
  const bob = gitea.addUser("bob");
  const repo = gitea.addRepo("alice", "hw", { private: true });
  const bobkit = new Octokit({ baseUrl: gitea.apiUrl, auth: `token ${bob.token}` });

  await assert.rejects(bobkit.rest.repos.get({ owner: "alice", repo: "hw" }), { status: 404 });
  gitea.setPermission("alice", "hw", "bob", "read");
  assert.equal((await bobkit.rest.repos.get({ owner: "alice", repo: "hw" })).data.permissions?.push, false);
  assert.equal((await bobkit.rest.repos.getCollaboratorPermissionLevel({ owner: "alice", repo: "hw", username: "bob" })).data.permission, "read");
  await assert.rejects(bobkit.rest.repos.getCollaboratorPermissionLevel({ owner: "alice", repo: "hw", username: "alice" }), { status: 403 });
  assert.equal((await octokit.rest.repos.getCollaboratorPermissionLevel({ owner: "alice", repo: "hw", username: "bob" })).data.permission, "read");

  const asBob = await runGit(work, ["push", "--quiet", withCredentials(repo.cloneUrl, "bob", bob.token), "main"], env);
  assert.notEqual(asBob.exitCode, 0);
  assert.match(asBob.stderr, /403/);
  const anonymous = await runGit(work, ["ls-remote", repo.cloneUrl], env);
  assert.notEqual(anonymous.exitCode, 0);
  await git(work, ["push", "--quiet", withCredentials(repo.cloneUrl, "x", alice.token), "main"], env);
  gitea.setPermission("alice", "hw", "bob", "write");
  await git(work, ["push", "--quiet", withCredentials(repo.cloneUrl, "bob", bob.password), "main:bob"], env);
  assert.deepEqual(gitea.violations, []);
});

test("faults: an outage, dropped and failed deliveries, replays with a new id, asset limits", async (t) => {
  const { gitea, receiver, alice, env, work, sha, octokit } = await world(t, { maxAssetBytes: 8 });
  const repo = gitea.addRepo("alice", "hw");
  await octokit.request("POST /repos/{owner}/{repo}/hooks", { owner: "alice", repo: "hw", ...hookBody(receiver.url, { active: true, events: ["push"] }) });
  const remote = withCredentials(repo.cloneUrl, "alice", alice.token);

  gitea.setDown(true);
  await assert.rejects(octokit.rest.users.getAuthenticated(), { status: 503 });
  assert.notEqual((await runGit(work, ["push", "--quiet", remote, "main"], env)).exitCode, 0);
  gitea.setDown(false);

  gitea.dropDeliveries(true);
  await git(work, ["push", "--quiet", remote, "main"], env);
  await gitea.settled();
  assert.equal(receiver.received.length, 0);
  assert.equal(gitea.deliveries[0]?.outcome.ok, false);
  gitea.dropDeliveries(false);

  // A receiver that fails: recorded, never retried.
  receiver.answer(500);
  const replayed = await gitea.redeliver(0);
  assert.deepEqual(replayed.outcome, { ok: false, status: 500, error: "HTTP 500" });
  assert.equal(receiver.received.length, 1);
  receiver.answer(200);
  const again = await gitea.redeliver(0);
  assert.equal(again.outcome.ok, true);
  assert.equal(again.body, gitea.deliveries[0]?.body);
  assert.notEqual(again.deliveryId, gitea.deliveries[0]?.deliveryId);
  assert.equal(receiver.received[1]?.headers["x-gitea-delivery"], again.deliveryId);
  assert.equal(gitea.deliveries.length, 3);

  const release = await octokit.rest.repos.createRelease({ owner: "alice", repo: "hw", tag_name: "v1", target_commitish: sha });
  const raw = (body: string, name?: string) =>
    fetch(`${gitea.apiUrl}/repos/alice/hw/releases/${release.data.id}/assets${name ? `?name=${name}` : ""}`, {
      method: "POST",
      headers: { authorization: `token ${alice.token}`, "content-type": "application/octet-stream" },
      body,
    });
  assert.equal((await raw("12345", "ok.bin")).status, 201);
  assert.equal((await raw("12345")).status, 400);
  assert.equal((await raw("123456789", "big.bin")).status, 413);
  assert.deepEqual(gitea.releases("alice", "hw")[0]?.assets.map((a) => a.name), ["ok.bin"]);
  await assert.rejects(octokit.rest.repos.createRelease({ owner: "alice", repo: "hw", tag_name: "v2", target_commitish: "f".repeat(40) }), { status: 404 });
  assert.deepEqual(gitea.violations, []);
});

test("a receiver that does not answer in time is a failed delivery", async (t) => {
  const { gitea, alice, env, work, octokit } = await world(t, { deliverTimeoutMs: 300 });
  // Reads the request and never replies.
  const silent = createServer(() => undefined);
  silent.listen(0, "127.0.0.1");
  await new Promise((resolve) => silent.once("listening", resolve));
  t.after(() => new Promise<void>((resolve) => {
    silent.close(() => resolve());
    silent.closeAllConnections();
  }));
  const repo = gitea.addRepo("alice", "hw");
  const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/`;
  await octokit.request("POST /repos/{owner}/{repo}/hooks", { owner: "alice", repo: "hw", ...hookBody(url, { active: true, events: ["push"] }) });
  await git(work, ["push", "--quiet", withCredentials(repo.cloneUrl, "alice", alice.token), "main"], env);
  await gitea.settled();
  assert.equal(gitea.deliveries.length, 1);
  assert.equal(gitea.deliveries[0]?.outcome.ok, false);
  assert.match((gitea.deliveries[0]?.outcome as { error: string }).error, /TimeoutError/);
});

test("the other routes answer within the description: branches, refs, org repos, release edits, assets, hooks", async (t) => {
  const { gitea, receiver, alice, env, work, sha } = await world(t);
  gitea.addOrg("course", { owners: ["alice"] });
  const repo = gitea.addRepo("course", "team");
  await git(work, ["push", "--quiet", withCredentials(repo.cloneUrl, "alice", alice.token), "main", "main:ailab/a", "main:ailab/b"], env);
  const api = async (method: string, path: string, body?: unknown) => {
    const reply = await fetch(`${gitea.apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${alice.token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await reply.text();
    return { status: reply.status, headers: reply.headers, json: (text ? JSON.parse(text) : undefined) as unknown };
  };

  const branches = await api("GET", "/repos/course/team/branches?limit=2");
  assert.equal((branches.json as unknown[]).length, 2);
  assert.equal(branches.headers.get("x-total-count"), "3");
  assert.match(branches.headers.get("link") ?? "", /rel="next"/);
  const refs = await api("GET", "/repos/course/team/git/refs/heads/ailab");
  assert.deepEqual((refs.json as { ref: string }[]).map((r) => r.ref), ["refs/heads/ailab/a", "refs/heads/ailab/b"]);
  assert.equal((await api("GET", "/repos/course/team/git/refs/heads/nothing")).status, 404);
  assert.deepEqual(((await api("GET", "/orgs/course/repos")).json as { full_name: string }[]).map((r) => r.full_name), ["course/team"]);
  assert.equal(((await api("GET", "/users/alice/repos")).json as unknown[]).length, 0);

  const created = await api("POST", "/repos/course/team/releases", { tag_name: "ailab/t-9", target_commitish: sha, draft: false });
  const id = (created.json as { id: number }).id;
  // A raw `/` in the tag works as well as %2F.
  assert.equal((await api("GET", "/repos/course/team/releases/tags/ailab/t-9")).status, 200);
  assert.equal((await api("GET", "/repos/course/team/releases/tags/ailab%2Ft-9")).status, 200);
  assert.equal(((await api("PATCH", `/repos/course/team/releases/${id}`, { body: "notes" })).json as { body: string }).body, "notes");
  const upload = await fetch(`${gitea.apiUrl}/repos/course/team/releases/${id}/assets?name=a.txt&token=${alice.token}`, {
    method: "POST",
    headers: { "content-type": "application/octet-stream" },
    body: "abc",
  });
  const asset = (await upload.json()) as { id: number };
  assert.equal(((await api("GET", `/repos/course/team/releases/${id}/assets`)).json as unknown[]).length, 1);
  assert.equal((await api("GET", `/repos/course/team/releases/${id}/assets/${asset.id}`)).status, 200);
  assert.equal((await api("DELETE", `/repos/course/team/releases/${id}/assets/${asset.id}`)).status, 204);
  assert.equal(((await api("GET", "/repos/course/team/releases?page=1&limit=10")).json as unknown[]).length, 1);
  assert.equal((await api("DELETE", "/repos/course/team/releases/tags/ailab/t-9")).status, 204);
  assert.equal((await api("GET", `/repos/course/team/releases/${id}`)).status, 404);

  const hook = await api("POST", "/orgs/course/hooks", { type: "gitea", config: { url: receiver.url, content_type: "json" }, active: true });
  assert.equal(hook.status, 201);
  assert.equal((await api("POST", "/repos/course/team/hooks", { type: "gitea", config: { url: receiver.url } })).status, 422);
  assert.equal(((await api("GET", "/orgs/course/hooks")).json as unknown[]).length, 1);
  assert.equal((await api("DELETE", `/orgs/course/hooks/${(hook.json as { id: number }).id}`)).status, 204);
  assert.deepEqual(gitea.hooks("course"), []);
  assert.deepEqual(gitea.violations, []);
});
