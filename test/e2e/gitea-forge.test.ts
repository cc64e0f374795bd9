import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { sampleProject } from "../helpers/action-git.js";
import { startForgeWorld, waitFor, type ForgeWorld } from "../helpers/forge-world.js";

// ailab on a course's Gitea (the fake in test/helpers/forge, which follows
// Gitea's own API description and checks every exchange against it): the
// student pushes to Gitea, Gitea's signed webhook reaches ailab-action, the
// job runs on ailab-runner, and the result comes back as commit statuses, a
// release with the artifacts, and `ailab pull` from that release.

const TRAIN = 'import os\nos.makedirs("output", exist_ok=True)\nopen("output/result.txt", "w").write("accuracy 0.93\\n")\nprint("Epoch 1/1")\n';

async function combined(world: ForgeWorld, sha: string): Promise<{ state: string; statuses: { context: string; status: string; description: string }[] }> {
  const response = await fetch(`${world.gitea.apiUrl}/repos/alice/hw/commits/${sha}/status`, { headers: { Authorization: `token ${world.alice.token}` } });
  assert.equal(response.status, 200);
  return (await response.json()) as { state: string; statuses: { context: string; status: string; description: string }[] };
}


test("a push to Gitea runs, and comes back as statuses, a release with three assets and `ailab pull` from it", { timeout: 300_000 }, async (t) => {
  const world = await startForgeWorld(t);
  const dir = await world.makeProject("train", sampleProject({ "train.py": TRAIN }));
  const submit = await world.ailab(["submit", "--wait"], dir);
  assert.equal(submit.exitCode, 0, `${submit.stderr}\n--- action ---\n${world.actionLog()}`);
  const taskId = submit.stdout.trim();
  const commit = (await readFile(join(dir, ".git", "refs", "heads", "main"), "utf8")).trim();

  // The final status goes out from the forge outbox right after the task ends.
  const status = await waitFor("the success status", async () => {
    const c = await combined(world, commit);
    return c.state === "success" ? c : undefined;
  });
  assert.deepEqual(
    status.statuses.map((s) => [s.context, s.status]),
    [["ailab/main", "success"]],
  );
  const states = world.gitea.statuses("alice", "hw", commit).map((s) => s.state);
  assert.equal(states.at(-1), "success");
  assert.ok(states.slice(0, -1).every((s) => s === "pending") && states.length >= 2, `pending first, then success: ${states.join(", ")}`);
  assert.ok(world.gitea.statuses("alice", "hw", commit).every((s) => s.description.length <= 140 && s.targetUrl === `${world.actionUrl}/tasks/${taskId}`));

  const release = await waitFor("the release with its assets", () => {
    const r = world.gitea.releases("alice", "hw").find((x) => x.tagName === `ailab/${taskId}`);
    return r && r.assets.length === 3 ? r : undefined;
  });
  assert.equal(release.targetCommitish, commit);
  assert.equal(release.prerelease, true);
  assert.equal(release.draft, false);
  assert.deepEqual(release.assets.map((a) => a.name).sort(), ["logs.tar.gz", "results.tar.gz", "run.json"]);
  assert.match(release.body, new RegExp(`\`${commit}\``), "the run card names the commit");
  assert.match(release.body, /\| Exit code \| 0 \|/);
  assert.match(release.body, /\| GPU-hours \|/);

  const pull = await world.ailab(["pull", taskId], dir);
  assert.equal(pull.exitCode, 0, pull.stderr);
  assert.match(pull.stderr, /results\.tar\.gz .* from the release/);
  assert.equal(await readFile(join(dir, "results", taskId, "output", "result.txt"), "utf8"), "accuracy 0.93\n");
  assert.equal(world.gitea.violations.length, 0, world.gitea.violations.join("\n"));
});

const SLOW = 'import time\nfor i in range(120):\n    print(f"Epoch {i + 1}/120", flush=True)\n    time.sleep(1)\n';

async function waitForTask(world: ForgeWorld, dir: string, predicate: (task: { id: string; state: string; description: string }) => boolean, what: string) {
  return waitFor(what, async () => {
    const list = await world.ailab(["list", "--json"], dir);
    if (list.exitCode !== 0) return undefined;
    const tasks = JSON.parse(list.stdout) as { id: string; state: string; description: string }[];
    return tasks.find(predicate);
  }, 120_000);
}

test("a failing job is a failure status with its reason; deleting the branch cancels a running job", { timeout: 300_000 }, async (t) => {
  const world = await startForgeWorld(t);
  const failing = await world.makeProject("broken", sampleProject({ "train.py": "print('loading')\nraise SystemExit('out of data')\n" }));
  const submit = await world.ailab(["submit", "--wait"], failing);
  assert.equal(submit.exitCode, 1, submit.stderr);
  const commit = (await readFile(join(failing, ".git", "refs", "heads", "main"), "utf8")).trim();
  const failed = await waitFor("the failure status", async () => {
    const c = await combined(world, commit);
    return c.state === "failure" ? c : undefined;
  });
  assert.match(failed.statuses[0]!.description, /exit code 1/);
  await waitFor("the failed task's release", () => world.gitea.releases("alice", "hw").find((r) => r.tagName === `ailab/${submit.stdout.trim()}` && r.assets.length > 0));

  const slow = await world.makeProject("slow", sampleProject({ "train.py": SLOW }));
  await world.git(slow, ["checkout", "-q", "-b", "long"]);
  const started = await world.ailab(["submit"], slow);
  assert.equal(started.exitCode, 0, started.stderr);
  const running = await waitForTask(world, slow, (task) => task.state === "running", "the slow task to run");
  await world.git(slow, ["push", "-q", "origin", "--delete", "ailab/long"]);
  const cancelled = await waitForTask(world, slow, (task) => task.id === running.id && task.state === "cancelled", "the cancel");
  assert.match(cancelled.description, /branch ailab\/long was deleted/);
  assert.equal(world.gitea.violations.length, 0, world.gitea.violations.join("\n"));
});
