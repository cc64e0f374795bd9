import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { join } from "node:path";
import { test } from "node:test";
import { Octokit } from "@octokit/rest";
import { commitAll, git, makeProject, writeFiles } from "../../helpers/action-git.js";
import { forgeGitEnv, withCredentials } from "../../helpers/forge/forge-git-env.js";
import { startFakeGitea } from "../../helpers/forge/fake-gitea.js";
import { giteaSpec } from "../../helpers/forge/gitea-spec.js";
import { startWebhookReceiver } from "../../helpers/forge/webhook-receiver.js";
import { tempDir } from "../../helpers/temp-dir.js";

// The fake Gitea end to end: a real git push over HTTP, signed webhooks at a
// receiver, statuses and releases through octokit and fetch, and not one
// exchange outside Gitea's swagger description.

const ZERO = "0".repeat(40);

interface PushBody {
  before: string;
  after: string;
  total_commits: number;
  commits: { id: string; message: string; modified: string[] }[];
  head_commit: { id: string };
  pusher: { login: string };
  sender: { login: string };
  repository: { full_name: string; clone_url: string; owner: { login: string } };
  compare_url: string;
}

function giteaSignature(secret: string, body: string): string {
  return createHmac("sha256", secret).update(body).digest("hex");
}

test("gitea-api.md's signature test vector", () => {
  assert.equal(giteaSignature("s3cr3t", '{\n  "ref": "refs/heads/main"\n}'), "e05e3b315282b23938d3199e60a7493fab14cd10760525a312981533681c3bcf");
});

test("a push to the fake Gitea becomes signed webhooks; statuses and releases work through octokit", async (t) => {
  const gitea = await startFakeGitea();
  t.after(() => gitea.stop());
  const receiver = await startWebhookReceiver();
  t.after(() => receiver.stop());

  const alice = gitea.addUser("alice", { fullName: "Alice Student" });
  const bot = gitea.addUser("ailab-bot", { admin: true });
  const repo = gitea.addRepo("alice", "hw3", { private: true });
  const octokit = new Octokit({ baseUrl: gitea.apiUrl, auth: `token ${alice.token}` });
  const botkit = new Octokit({ baseUrl: gitea.apiUrl, auth: `token ${bot.token}` });

  assert.equal(gitea.url.endsWith("/"), true);
  const me = await octokit.rest.users.getAuthenticated();
  assert.equal(me.data.login, "alice");

  const hook = await octokit.request("POST /repos/{owner}/{repo}/hooks", {
    owner: "alice",
    repo: "hw3",
    type: "gitea",
    config: { url: receiver.url, content_type: "json", secret: "s3cr3t" },
    events: ["push", "create", "delete"],
    active: true,
  });
  assert.equal(hook.status, 201);

  // A real push of main and of a work branch.
  const home = await tempDir(t);
  const env = forgeGitEnv(home);
  const work = join(home, "work");
  const first = await makeProject(work, { "train.py": 'print("hi")\n' }, env);
  const remote = withCredentials(repo.cloneUrl, "alice", alice.token);
  await git(work, ["push", "--quiet", remote, "main"], env);
  await git(work, ["checkout", "--quiet", "-b", "ailab/resnet"], env);
  await writeFiles(work, { "train.py": 'print("resnet")\n' });
  const second = await commitAll(work, "resnet", env);
  await git(work, ["push", "--quiet", remote, "ailab/resnet"], env);
  await gitea.settled();

  const events = receiver.received.map((r) => `${String(r.headers["x-gitea-event"])} ${String((JSON.parse(r.body) as { ref: string }).ref)}`);
  assert.deepEqual(events, ["create main", "push refs/heads/main", "create ailab/resnet", "push refs/heads/ailab/resnet"]);
  const ids = new Set<string>();
  for (const delivery of receiver.received) {
    const sig = giteaSignature("s3cr3t", delivery.body);
    assert.equal(delivery.headers["x-gitea-signature"], sig);
    assert.equal(delivery.headers["x-gogs-signature"], sig);
    assert.equal(delivery.headers["x-hub-signature-256"], `sha256=${sig}`);
    assert.equal(delivery.headers["x-hub-signature"], `sha1=${createHmac("sha1", "s3cr3t").update(delivery.body).digest("hex")}`);
    assert.equal(delivery.headers["x-gitea-hook-installation-target-type"], "repository");
    assert.equal(delivery.headers["x-forgejo-event"], undefined);
    assert.match(String(delivery.headers["x-gitea-delivery"]), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(delivery.headers["x-github-delivery"], delivery.headers["x-gitea-delivery"]);
    ids.add(String(delivery.headers["x-gitea-delivery"]));
    // Go's MarshalIndent: two spaces, no trailing newline.
    assert.equal(delivery.body, JSON.stringify(JSON.parse(delivery.body), null, 2));
  }
  assert.equal(ids.size, receiver.received.length);

  const push = JSON.parse(receiver.received[3]?.body ?? "{}") as PushBody;
  assert.equal(push.before, ZERO);
  assert.equal(push.after, second);
  assert.equal(push.total_commits, 2);
  assert.deepEqual(push.commits.map((c) => c.id), [second, first]);
  assert.equal(push.commits[0]?.message, "resnet\n");
  assert.deepEqual(push.commits[0]?.modified, ["train.py"]);
  assert.equal(push.head_commit.id, second);
  assert.equal(push.pusher.login, "alice");
  assert.equal(push.sender.login, "alice");
  assert.equal(push.repository.full_name, "alice/hw3");
  assert.equal(push.repository.owner.login, "alice");
  assert.equal(push.repository.clone_url, repo.cloneUrl);
  // A new branch lists its newest commits; the oldest has no parent, so there is nothing to compare.
  assert.equal(push.compare_url, gitea.url);
  // The webhook's repository and users are Gitea's own Repository and User objects.
  const spec = await giteaSpec();
  assert.deepEqual([...spec.validateSchema("Repository", push.repository), ...spec.validateSchema("User", push.pusher)], []);

  // Deleting a branch: only `delete`, with the short ref name.
  await git(work, ["push", "--quiet", remote, ":ailab/resnet"], env);
  await gitea.settled();
  assert.equal(receiver.received.length, 5);
  const deleted = receiver.received[4];
  assert.equal(deleted?.headers["x-gitea-event"], "delete");
  assert.deepEqual(
    (({ ref, ref_type, pusher_type }) => ({ ref, ref_type, pusher_type }))(JSON.parse(deleted?.body ?? "{}") as Record<string, unknown>),
    { ref: "ailab/resnet", ref_type: "branch", pusher_type: "user" },
  );
  assert.ok(gitea.deliveries.every((d) => d.outcome.ok));

  // Statuses: every POST adds a row; combined takes the newest per context.
  const pending = await botkit.rest.repos.createCommitStatus({ owner: "alice", repo: "hw3", sha: second, state: "pending", context: "ailab/resnet", description: "queued" });
  assert.equal(pending.status, 201);
  assert.equal((pending.data as unknown as { status: string }).status, "pending");
  await botkit.rest.repos.createCommitStatus({ owner: "alice", repo: "hw3", sha: second, state: "success", context: "ailab/resnet", description: "done" });
  const combined = await octokit.rest.repos.getCombinedStatusForRef({ owner: "alice", repo: "hw3", ref: second });
  assert.equal(combined.data.state, "success");
  assert.equal(combined.data.total_count, 1);
  const listed = await octokit.rest.repos.listCommitStatusesForRef({ owner: "alice", repo: "hw3", ref: second });
  assert.equal(listed.data.length, 2);
  assert.deepEqual(gitea.statuses("alice", "hw3", second).map((s) => s.state), ["pending", "success"]);
  const none = await octokit.rest.repos.getCombinedStatusForRef({ owner: "alice", repo: "hw3", ref: first });
  assert.equal(none.data.state, "pending");
  assert.equal(none.data.total_count, 0);

  // Permission: the bot (site admin) may ask about alice.
  const perm = await botkit.rest.repos.getCollaboratorPermissionLevel({ owner: "alice", repo: "hw3", username: "alice" });
  assert.equal(perm.data.permission, "owner");

  // A release at a sha creates the tag; a multipart asset; download by browser_download_url.
  const tag = "ailab/t-123";
  const release = await botkit.rest.repos.createRelease({ owner: "alice", repo: "hw3", tag_name: tag, target_commitish: second, name: "run t-123" });
  assert.equal(release.status, 201);
  assert.equal(await git(work, ["ls-remote", remote, `refs/tags/${tag}`], env), `${second}\trefs/tags/${tag}`);
  await assert.rejects(botkit.rest.repos.createRelease({ owner: "alice", repo: "hw3", tag_name: tag, target_commitish: second }), { status: 409 });

  const form = new FormData();
  form.append("attachment", new Blob([Buffer.from("metrics,1\n")], { type: "text/csv" }), "metrics.csv");
  const upload = await fetch(`${gitea.apiUrl}/repos/alice/hw3/releases/${release.data.id}/assets?name=metrics.csv`, {
    method: "POST",
    headers: { authorization: `token ${bot.token}` },
    body: form,
  });
  assert.equal(upload.status, 201);
  const asset = (await upload.json()) as { browser_download_url: string; size: number; uuid: string };
  assert.equal(asset.size, 10);
  assert.equal(asset.browser_download_url, `${gitea.url}attachments/${asset.uuid}`);

  const byTag = await octokit.rest.repos.getReleaseByTag({ owner: "alice", repo: "hw3", tag });
  assert.equal(byTag.data.assets.length, 1);
  const download = await fetch(asset.browser_download_url, { headers: { authorization: `token ${alice.token}` } });
  assert.equal(download.status, 200);
  assert.equal(await download.text(), "metrics,1\n");
  const anonymous = await fetch(asset.browser_download_url);
  assert.equal(anonymous.status, 401);
  assert.equal(gitea.releases("alice", "hw3")[0]?.assets[0]?.bytes.toString(), "metrics,1\n");

  assert.deepEqual(gitea.violations, []);
});
