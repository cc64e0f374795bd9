import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { sampleProject } from "../helpers/action-git.js";
import { startForgeWorld, waitFor, type ForgeWorld } from "../helpers/forge-world.js";
import { recordPushEvents, runWorkflowStep } from "../helpers/workflow-step.js";

// The workflow way to submit (action/action.yml): no webhook on the
// repository; an Actions run on the push starts the committed script with
// node, which hands the push to ailab-action and ends at once. The job's
// statuses and release come later, from ailab-action's bot.

interface Listed {
  id: string;
  user: string;
  repo: string;
  branch: string;
  state: string;
  commit: string;
}

async function tasks(world: ForgeWorld, cwd: string): Promise<Listed[]> {
  const list = await world.ailab(["list", "--json"], cwd);
  assert.equal(list.exitCode, 0, list.stderr);
  return JSON.parse(list.stdout) as Listed[];
}

const ENDED = ["success", "failure", "error", "cancelled"];

test("a workflow run submits the pushed commit and ends while the job still waits; the bot posts the result later", { timeout: 300_000 }, async (t) => {
  const world = await startForgeWorld(t, { hook: false });
  // Gitea's Actions job token acts as the `gitea-actions` account, with write access to the repository.
  const job = world.forge.addUser("gitea-actions");
  world.forge.setPermission("alice", "hw", "gitea-actions", "write");
  const events = await recordPushEvents(t, world, world.alice, "alice/hw");

  // The job runs until the test lets it go: the step must have ended long before.
  // The gate is in the job's own project folder, the only one its sandbox shows it.
  const train = `import os, time\nwhile not os.path.exists("let-the-job-finish"):\n    time.sleep(0.2)\nos.makedirs("output", exist_ok=True)\nopen("output/result.txt", "w").write("ok\\n")\n`;
  const dir = await world.makeProject("wf", sampleProject({ "train.py": train }));
  await world.git(dir, ["push", "-q", "origin", "HEAD:refs/heads/ailab/wf"]);
  const commit = await world.git(dir, ["rev-parse", "HEAD"]);
  const [pushed] = await events.waitFor(1);

  const step = await runWorkflowStep(world, { event: pushed!.body, secret: world.webhookSecret, token: job.token, server: world.actionUrl });
  assert.equal(step.exitCode, 0, `${step.stdout}\n${step.stderr}\n--- action ---\n${world.actionLog()}`);
  assert.match(step.stdout, /Submitted alice\/hw refs\/heads\/ailab\/wf at [0-9a-f]{12} to ailab, as alice\./);
  assert.match(step.stdout, new RegExp(`check ailab/wf \\(${world.forge.url}alice/hw/commit/${commit}\\)`));
  assert.ok(![world.webhookSecret, job.token, world.bot.token].some((s) => step.stdout.includes(s) || step.stderr.includes(s)), "no secret in the step's log");

  const first = world.forge.statuses("alice", "hw", commit)[0];
  assert.deepEqual(first && [first.state, first.context, first.description, first.creator], ["pending", "ailab/wf", "submitted to ailab", "gitea-actions"]);
  const task = await waitFor("the task of the pushed commit", async () => (await tasks(world, dir)).find((x) => x.branch === "ailab/wf"));
  assert.equal(task.commit, commit);
  assert.equal(task.user, "alice", "credited to the pusher");
  assert.ok(!ENDED.includes(task.state), `the step ended before the job (the job is ${task.state})`);

  await writeFile(join(world.home, "runner", "jobs", task.id, "project", "let-the-job-finish"), "");
  await waitFor("the success status", () => (world.forge.statuses("alice", "hw", commit).at(-1)?.state === "success" ? true : undefined), 120_000);
  const shown = world.forge.statuses("alice", "hw", commit);
  assert.ok(shown.every((s) => s.context === "ailab/wf"), "one check, the workflow's status and the bot's under the same context");
  assert.deepEqual([...new Set(shown.slice(1).map((s) => s.creator))], ["ailab-bot"], "everything after the workflow's status is the bot's");
  const release = await waitFor("the release", () => world.forge.releases("alice", "hw").find((r) => r.tagName === `ailab/${task.id}` && r.assets.length === 3));
  assert.equal(release.author, "ailab-bot");
  assert.equal(release.targetCommitish, commit);
  assert.equal(world.forge.violations.length, 0, world.forge.violations.join("\n"));
});

test("a wrong secret, or a delivery naming a pusher without write access, is refused: exit 1, no task, the check says why", { timeout: 300_000 }, async (t) => {
  const world = await startForgeWorld(t, { hook: false });
  const job = world.forge.addUser("gitea-actions");
  world.forge.setPermission("alice", "hw", "gitea-actions", "write");
  world.forge.addUser("mallory");
  world.forge.addUser("bob");
  world.forge.setPermission("alice", "hw", "bob", "read");
  world.forge.addRepo("alice", "other");
  world.forge.setPermission("alice", "other", "gitea-actions", "write");
  const events = await recordPushEvents(t, world, world.alice, "alice/hw");
  const otherEvents = await recordPushEvents(t, world, world.alice, "alice/other");

  const dir = await world.makeProject("refused", sampleProject());
  await world.git(dir, ["push", "-q", "origin", "HEAD:refs/heads/ailab/refused"]);
  const commit = await world.git(dir, ["rev-parse", "HEAD"]);
  const [pushed] = await events.waitFor(1);
  const step = (event: string, secret: string) => runWorkflowStep(world, { event, secret, token: job.token, server: world.actionUrl });

  const wrong = await step(pushed!.body, "not-the-webhook-secret-at-all");
  assert.equal(wrong.exitCode, 1, wrong.stdout);
  assert.match(wrong.stdout, /^::error::ailab-action refused the push \(401 BadSignature\)/m);

  // Whoever can read the secret can sign any pusher: the forge must say they may push.
  const event = JSON.parse(pushed!.body) as Record<string, Record<string, unknown>>;
  for (const who of ["mallory", "bob"]) {
    const forged = JSON.stringify({ ...event, pusher: { ...event.pusher, login: who, username: who }, sender: { ...event.sender, login: who } });
    const refused = await step(forged, world.webhookSecret);
    assert.equal(refused.exitCode, 1, refused.stdout);
    assert.match(refused.stdout, new RegExp(`^::error::ailab-action refused the push \\(403 PusherCannotWrite\\): forge user ${who} has no write access to alice/hw`, "m"));
  }
  const shown = world.forge.statuses("alice", "hw", commit);
  assert.deepEqual([...new Set(shown.map((s) => s.creator))], ["gitea-actions"], "no status from the bot");
  assert.equal(shown.at(-1)!.state, "error", "the check does not stay pending");
  assert.match(shown.at(-1)!.description, /403 PusherCannotWrite/);

  // A good run in another repository is handled; had a refused delivery been kept, alice/hw's
  // push would have been handled first (deliveries are taken oldest repository first).
  await world.git(dir, ["push", "-q", `${world.forge.url}alice/other.git`, "HEAD:refs/heads/ailab/fine"]);
  const [otherPush] = await otherEvents.waitFor(1);
  const fine = await step(otherPush!.body, world.webhookSecret);
  assert.equal(fine.exitCode, 0, fine.stdout);
  const listed = await waitFor("the good run's task", async () => {
    const all = await tasks(world, dir);
    return all.some((x) => x.branch === "ailab/fine") ? all : undefined;
  });
  assert.deepEqual(
    listed.map((x) => [x.repo, x.branch, x.user]),
    [["alice/other", "ailab/fine", "alice"]],
    "nothing for the refused deliveries",
  );
  assert.equal(world.forge.violations.length, 0, world.forge.violations.join("\n"));
});

test("on GitHub: the same step, GitHub's push event, the job token's pending status, then the bot's success", { timeout: 300_000 }, async (t) => {
  const world = await startForgeWorld(t, { kind: "github", hook: false });
  const job = world.forge.addUser("github-actions");
  world.forge.setPermission("alice", "hw", "github-actions", "write");
  const events = await recordPushEvents(t, world, world.alice, "alice/hw");
  const dir = await world.makeProject("gh", sampleProject());
  await world.git(dir, ["push", "-q", "origin", "HEAD:refs/heads/ailab/gh"]);
  const commit = await world.git(dir, ["rev-parse", "HEAD"]);
  const [pushed] = await events.waitFor(1);

  const step = await runWorkflowStep(world, { event: pushed!.body, secret: world.webhookSecret, token: job.token, server: world.actionUrl });
  assert.equal(step.exitCode, 0, `${step.stdout}\n${step.stderr}\n--- action ---\n${world.actionLog()}`);
  assert.deepEqual(
    world.forge.statuses("alice", "hw", commit).slice(0, 1).map((s) => [s.state, s.context, s.creator]),
    [["pending", "ailab/gh", "github-actions"]],
  );
  await waitFor("the bot's success status", () => (world.forge.statuses("alice", "hw", commit).at(-1)?.state === "success" ? true : undefined), 120_000);
  assert.equal(world.forge.statuses("alice", "hw", commit).at(-1)!.creator, "ailab-bot");
  const [task] = await tasks(world, dir);
  assert.deepEqual(task && [task.branch, task.user, task.commit], ["ailab/gh", "alice", commit]);
  assert.equal(world.forge.violations.length, 0, world.forge.violations.join("\n"));
});
