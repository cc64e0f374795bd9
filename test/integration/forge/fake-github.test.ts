import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { createRequire } from "node:module";
import { join } from "node:path";
import { test } from "node:test";
import { Octokit } from "@octokit/rest";
import { commitAll, git, makeProject, writeFiles } from "../../helpers/action-git.js";
import { forgeGitEnv, withCredentials } from "../../helpers/forge/forge-git-env.js";
import { startFakeGitHub } from "../../helpers/forge/fake-github.js";
import { startWebhookReceiver } from "../../helpers/forge/webhook-receiver.js";
import { tempDir } from "../../helpers/temp-dir.js";

// The fake GitHub (GHES layout) end to end: a real push, GitHub-style
// webhooks shaped like @octokit/webhooks-examples, statuses, releases and
// raw asset uploads through octokit, all inside GitHub's OpenAPI description.

const ZERO = "0".repeat(40);
const require = createRequire(import.meta.url);

interface Example {
  name: string;
  examples: Record<string, unknown>[];
}

/** Keys every one of the examples has (optional ones like `installation` drop out). */
function commonKeys(objects: readonly Record<string, unknown>[]): string[] {
  const [first, ...rest] = objects;
  return Object.keys(first ?? {}).filter((k) => rest.every((o) => k in o));
}

interface PushBody {
  ref: string;
  before: string;
  after: string;
  created: boolean;
  deleted: boolean;
  forced: boolean;
  compare: string;
  commits: { id: string }[];
  head_commit: { id: string } | null;
  pusher: { name: string; email: string };
  sender: { login: string };
  repository: Record<string, unknown> & { owner: { login: string } };
}

test("a push to the fake GitHub becomes GitHub-shaped webhooks; statuses, releases and assets work through octokit", async (t) => {
  const github = await startFakeGitHub();
  t.after(() => github.stop());
  const receiver = await startWebhookReceiver();
  t.after(() => receiver.stop());

  const alice = github.addUser("alice");
  const bot = github.addUser("ailab-bot", { admin: true });
  const repo = github.addRepo("alice", "hw3", { private: true });
  const octokit = new Octokit({ baseUrl: github.apiUrl, auth: alice.token });
  const botkit = new Octokit({ baseUrl: github.apiUrl, auth: `token ${bot.token}` });
  assert.equal(github.apiUrl, `${github.url}api/v3`);

  assert.equal((await octokit.rest.users.getAuthenticated()).data.login, "alice");
  assert.equal((await octokit.rest.repos.get({ owner: "alice", repo: "hw3" })).data.private, true);
  const hook = await octokit.rest.repos.createWebhook({
    owner: "alice",
    repo: "hw3",
    config: { url: receiver.url, content_type: "json", secret: "s3cr3t" },
    events: ["push", "create", "delete"],
  });
  assert.equal(hook.data.active, true);

  const home = await tempDir(t);
  const env = forgeGitEnv(home);
  const work = join(home, "work");
  await makeProject(work, { "train.py": 'print("hi")\n' }, env);
  const remote = withCredentials(repo.cloneUrl, "alice", alice.token);
  await git(work, ["push", "--quiet", remote, "main"], env);
  await git(work, ["checkout", "--quiet", "-b", "ailab/resnet"], env);
  await writeFiles(work, { "train.py": 'print("resnet")\n' });
  const second = await commitAll(work, "resnet", env);
  await git(work, ["push", "--quiet", remote, "ailab/resnet"], env);
  await github.settled();

  assert.deepEqual(
    receiver.received.map((r) => `${String(r.headers["x-github-event"])} ${String((JSON.parse(r.body) as { ref: string }).ref)}`),
    ["push refs/heads/main", "create main", "push refs/heads/ailab/resnet", "create ailab/resnet"],
  );
  for (const delivery of receiver.received) {
    assert.equal(delivery.headers["x-hub-signature-256"], `sha256=${createHmac("sha256", "s3cr3t").update(delivery.body).digest("hex")}`);
    assert.equal(delivery.headers["x-github-hook-id"], String(hook.data.id));
    assert.equal(delivery.headers["x-gitea-event"], undefined);
  }

  const push = JSON.parse(receiver.received[2]?.body ?? "{}") as PushBody;
  assert.equal(push.created, true);
  assert.equal(push.deleted, false);
  assert.equal(push.before, ZERO);
  assert.equal(push.after, second);
  // Only the commit main did not have.
  assert.deepEqual(push.commits.map((c) => c.id), [second]);
  assert.equal(push.head_commit?.id, second);
  assert.deepEqual(push.pusher, { name: "alice", email: "alice@example.org" });
  assert.equal(push.sender.login, "alice");
  assert.equal(push.repository.owner.login, "alice");

  // The shape against GitHub's own example payloads.
  const examples = (require("@octokit/webhooks-examples") as Example[]).find((e) => e.name === "push")?.examples ?? [];
  assert.ok(examples.length >= 5);
  const missing = commonKeys(examples).filter((k) => !(k in push));
  assert.deepEqual(missing, [], "push keys every example has");
  const repoKeys = commonKeys(examples.map((e) => e.repository as Record<string, unknown>));
  assert.deepEqual(repoKeys.filter((k) => !(k in push.repository)), [], "repository keys every example has");
  for (const key of commonKeys(examples)) {
    const sample = examples[0]?.[key];
    if (sample !== null && push[key as keyof PushBody] !== null) assert.equal(typeof push[key as keyof PushBody], typeof sample, `type of ${key}`);
  }

  // A deleted branch: push with deleted: true and after = zeros, then delete.
  await git(work, ["push", "--quiet", remote, ":ailab/resnet"], env);
  await github.settled();
  const [deletedPush, deleted] = receiver.received.slice(4);
  assert.equal(deletedPush?.headers["x-github-event"], "push");
  const body = JSON.parse(deletedPush?.body ?? "{}") as PushBody;
  assert.equal(body.deleted, true);
  assert.equal(body.after, ZERO);
  assert.equal(body.head_commit, null);
  assert.equal(deleted?.headers["x-github-event"], "delete");
  assert.equal((JSON.parse(deleted?.body ?? "{}") as { ref: string }).ref, "ailab/resnet");

  // GitHub's redelivery keeps the GUID.
  const replay = await github.redeliver(0);
  assert.equal(replay.deliveryId, github.deliveries[0]?.deliveryId);
  assert.equal(replay.outcome.ok, true);

  // Statuses and the combined state.
  const created = await botkit.rest.repos.createCommitStatus({ owner: "alice", repo: "hw3", sha: second, state: "pending", context: "ailab/resnet" });
  assert.equal(created.status, 201);
  await botkit.rest.repos.createCommitStatus({ owner: "alice", repo: "hw3", sha: second, state: "failure", context: "ailab/resnet", description: "out of memory" });
  const combined = await octokit.rest.repos.getCombinedStatusForRef({ owner: "alice", repo: "hw3", ref: second });
  assert.equal(combined.data.state, "failure");
  assert.equal(combined.data.total_count, 1);
  const listed = await octokit.rest.repos.listCommitStatusesForRef({ owner: "alice", repo: "hw3", ref: second });
  assert.deepEqual(listed.data.map((s) => s.state), ["failure", "pending"]);
  assert.equal(github.combinedState("alice", "hw3", second), "failure");

  const perm = await botkit.rest.repos.getCollaboratorPermissionLevel({ owner: "alice", repo: "hw3", username: "alice" });
  assert.equal(perm.data.permission, "admin");
  const refs = await octokit.rest.git.listMatchingRefs({ owner: "alice", repo: "hw3", ref: "heads/main" });
  assert.deepEqual(refs.data.map((r) => r.ref), ["refs/heads/main"]);

  // Releases: 422 already_exists for a second one on the tag.
  const tag = "ailab/t-123";
  const release = await botkit.rest.repos.createRelease({ owner: "alice", repo: "hw3", tag_name: tag, target_commitish: second });
  await assert.rejects(botkit.rest.repos.createRelease({ owner: "alice", repo: "hw3", tag_name: tag }), (error: { status: number; response: { data: { errors: { code: string }[] } } }) => {
    assert.equal(error.status, 422);
    assert.equal(error.response.data.errors[0]?.code, "already_exists");
    return true;
  });

  // A raw upload on /api/uploads with the file's own type.
  const upload = await botkit.rest.repos.uploadReleaseAsset({
    baseUrl: github.uploadUrl,
    owner: "alice",
    repo: "hw3",
    release_id: release.data.id,
    name: "metrics.csv",
    data: Buffer.from("loss,0.1\n") as unknown as string,
    headers: { "content-type": "text/csv" },
  });
  assert.equal(upload.status, 201);
  assert.equal(upload.data.content_type, "text/csv");
  const byTag = await octokit.rest.repos.getReleaseByTag({ owner: "alice", repo: "hw3", tag });
  assert.equal(byTag.data.assets.length, 1);
  const download = await fetch(upload.data.browser_download_url, { headers: { authorization: `token ${alice.token}` } });
  assert.equal(await download.text(), "loss,0.1\n");
  const viaApi = await fetch(`${github.apiUrl}/repos/alice/hw3/releases/assets/${upload.data.id}`, {
    headers: { authorization: `token ${alice.token}`, accept: "application/octet-stream" },
  });
  assert.equal(viaApi.status, 200);
  assert.equal(await viaApi.text(), "loss,0.1\n");

  assert.deepEqual(github.violations, []);
});

test("the fake GitHub's other routes answer within the description: org hooks and repos, lists, deletes", async (t) => {
  const github = await startFakeGitHub();
  t.after(() => github.stop());
  const receiver = await startWebhookReceiver();
  t.after(() => receiver.stop());
  const alice = github.addUser("alice");
  github.addOrg("course", { owners: ["alice"] });
  const repo = github.addRepo("course", "team");
  const octokit = new Octokit({ baseUrl: github.apiUrl, auth: alice.token });
  const home = await tempDir(t);
  const env = forgeGitEnv(home);
  const sha = await makeProject(join(home, "work"), { "a.txt": "a\n" }, env);

  const orgHook = await octokit.rest.orgs.createWebhook({ org: "course", name: "web", config: { url: receiver.url, content_type: "json" }, events: ["*"] });
  await git(join(home, "work"), ["push", "--quiet", withCredentials(repo.cloneUrl, "alice", alice.token), "main"], env);
  await github.settled();
  // No secret: GitHub sends no signature headers.
  assert.deepEqual(receiver.received.map((r) => [r.headers["x-github-event"], r.headers["x-github-hook-installation-target-type"], r.headers["x-hub-signature-256"]]), [
    ["push", "organization", undefined],
    ["create", "organization", undefined],
  ]);
  assert.equal((await octokit.rest.orgs.listWebhooks({ org: "course" })).data.length, 1);
  assert.equal((await octokit.rest.orgs.getWebhook({ org: "course", hook_id: orgHook.data.id })).data.name, "web");
  await octokit.rest.orgs.deleteWebhook({ org: "course", hook_id: orgHook.data.id });
  const repoHook = await octokit.rest.repos.createWebhook({ owner: "course", repo: "team", config: { url: receiver.url } });
  assert.equal(repoHook.data.config.content_type, "form");
  assert.equal((await octokit.rest.repos.listWebhooks({ owner: "course", repo: "team" })).data.length, 1);
  await octokit.rest.repos.deleteWebhook({ owner: "course", repo: "team", hook_id: repoHook.data.id });
  await assert.rejects(octokit.rest.repos.createWebhook({ owner: "course", repo: "team", config: { url: "ftp://example.invalid/hook" } }), { status: 422 });

  assert.deepEqual((await octokit.rest.repos.listForOrg({ org: "course" })).data.map((r) => r.full_name), ["course/team"]);
  assert.equal((await octokit.rest.repos.listForUser({ username: "alice" })).data.length, 0);
  const release = await octokit.rest.repos.createRelease({ owner: "course", repo: "team", tag_name: "v1", target_commitish: sha, draft: false });
  await octokit.rest.repos.updateRelease({ owner: "course", repo: "team", release_id: release.data.id, body: "notes" });
  const asset = await octokit.rest.repos.uploadReleaseAsset({
    url: release.data.upload_url,
    owner: "course",
    repo: "team",
    release_id: release.data.id,
    name: "a.bin",
    data: Buffer.from([1, 2, 3]) as unknown as string,
    headers: { "content-type": "application/octet-stream" },
  });
  assert.equal((await octokit.rest.repos.listReleaseAssets({ owner: "course", repo: "team", release_id: release.data.id })).data.length, 1);
  assert.equal((await octokit.rest.repos.getReleaseAsset({ owner: "course", repo: "team", asset_id: asset.data.id })).data.size, 3);
  await octokit.rest.repos.deleteReleaseAsset({ owner: "course", repo: "team", asset_id: asset.data.id });
  assert.equal((await octokit.rest.repos.listReleases({ owner: "course", repo: "team" })).data[0]?.body, "notes");
  await octokit.rest.repos.deleteRelease({ owner: "course", repo: "team", release_id: release.data.id });
  await assert.rejects(octokit.rest.repos.getReleaseByTag({ owner: "course", repo: "team", tag: "v1" }), { status: 404 });
  assert.deepEqual(github.violations, []);
});
