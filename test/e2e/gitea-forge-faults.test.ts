import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import Database from "better-sqlite3";
import { sampleProject } from "../helpers/action-git.js";
import { startForgeWorld, waitFor, type ForgeWorld } from "../helpers/forge-world.js";

// What goes wrong between Gitea and ailab-action: forged and replayed
// deliveries, deliveries Gitea dropped, Gitea down in the middle of a run,
// an asset Gitea refuses as too large.

interface Listed {
  id: string;
  branch: string;
  state: string;
  commit: string;
}

async function tasks(world: ForgeWorld, cwd: string): Promise<Listed[]> {
  const list = await world.ailab(["list", "--json"], cwd);
  assert.equal(list.exitCode, 0, list.stderr);
  return JSON.parse(list.stdout) as Listed[];
}

async function postWebhook(world: ForgeWorld, body: string, headers: Record<string, string>): Promise<number> {
  const response = await fetch(`${world.actionUrl}/forge/webhook`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Gitea-Event": "push", "X-Gitea-Delivery": crypto.randomUUID(), ...headers },
    body,
  });
  await response.arrayBuffer();
  return response.status;
}

test("forged deliveries are refused with 401 and start nothing; a replay with a new delivery id is the same push", { timeout: 300_000 }, async (t) => {
  const world = await startForgeWorld(t);
  const dir = await world.makeProject("train", sampleProject());
  assert.equal((await world.ailab(["submit", "--wait"], dir)).exitCode, 0);
  await world.gitea.settled();
  const pushDelivery = world.gitea.deliveries.find((d) => d.event === "push" && d.outcome.ok)!;
  assert.ok(pushDelivery, "Gitea delivered the push");

  // A branch on Gitea whose delivery never came: only a forged delivery could announce it.
  world.gitea.dropDeliveries(true);
  await world.git(dir, ["push", "-q", "origin", "HEAD:refs/heads/ailab/forged"]);
  const forged = pushDelivery.body.replace(/refs\/heads\/ailab\/main/g, "refs/heads/ailab/forged");
  const wrong = createHmac("sha256", "not-the-secret").update(forged).digest("hex");
  assert.equal(await postWebhook(world, forged, {}), 401, "no signature");
  assert.equal(await postWebhook(world, forged, { "X-Gitea-Signature": "", "X-Hub-Signature-256": "sha256=" }), 401, "empty signature");
  assert.equal(await postWebhook(world, forged, { "X-Gitea-Signature": wrong }), 401, "wrong signature");
  assert.equal(await postWebhook(world, forged, { "X-Gitea-Signature": pushDelivery.headers["X-Gitea-Signature"]! }), 401, "another body's signature");
  await new Promise((r) => setTimeout(r, 1500));
  assert.deepEqual((await tasks(world, dir)).map((x) => x.branch), ["ailab/main"], "nothing for the forged deliveries");
  world.gitea.dropDeliveries(false);

  // Gitea's "replay": the same body again under a new delivery id. (The fetch it causes also finds
  // ailab/forged, which is really on Gitea: its lost delivery is made good, as the reconcile would.)
  const replay = await world.gitea.redeliver(pushDelivery.index);
  assert.notEqual(replay.deliveryId, pushDelivery.deliveryId);
  assert.deepEqual(replay.outcome, { ok: true, status: 202 });
  await waitFor("the fetch the replay caused", async () => (await tasks(world, dir)).some((x) => x.branch === "ailab/forged") || undefined);
  assert.equal((await tasks(world, dir)).filter((x) => x.branch === "ailab/main").length, 1, "no second task for the replayed push");
  assert.equal(world.gitea.violations.length, 0, world.gitea.violations.join("\n"));
});

test("a push whose delivery was lost (action down, or Gitea dropped it) is found by the reconcile", { timeout: 300_000 }, async (t) => {
  const world = await startForgeWorld(t, { reconcileMs: 1500 });
  const dir = await world.makeProject("offline", sampleProject());

  await world.stopAction();
  await world.git(dir, ["push", "-q", "origin", "HEAD:refs/heads/ailab/while-down"]);
  await world.gitea.settled();
  assert.equal(world.gitea.deliveries.at(-1)!.outcome.ok, false, "Gitea could not deliver, and will not retry");
  await world.startAction();
  await waitFor("the task of the push made while the action was down", async () => (await tasks(world, dir)).find((x) => x.branch === "ailab/while-down"));

  world.gitea.dropDeliveries(true);
  await world.git(dir, ["push", "-q", "origin", "HEAD:refs/heads/ailab/dropped"]);
  const found = await waitFor("the periodic reconcile", async () => (await tasks(world, dir)).find((x) => x.branch === "ailab/dropped"));
  assert.equal(found.commit, await world.git(dir, ["rev-parse", "HEAD"]));
});

test("Gitea down for 60 s in the middle of a run: every status arrives afterwards, in order", { timeout: 300_000 }, async (t) => {
  const world = await startForgeWorld(t);
  const train = 'import os, time\nfor i in range(4):\n    print(f"Epoch {i + 1}/4", flush=True)\n    time.sleep(1)\nos.makedirs("output", exist_ok=True)\nopen("output/done", "w").write("ok")\n';
  const dir = await world.makeProject("train", sampleProject({ "train.py": train }));
  await world.git(dir, ["checkout", "-q", "-b", "flaky"]);
  assert.equal((await world.ailab(["submit"], dir)).exitCode, 0);
  const commit = await world.git(dir, ["rev-parse", "HEAD"]);
  await waitFor("a first status on Gitea", () => world.gitea.statuses("alice", "hw", commit).length > 0 || undefined);

  world.gitea.setDown(true);
  t.diagnostic(`Gitea down at ${new Date().toISOString()}`);
  const [task] = await waitFor("the task to end while Gitea is down", async () => {
    const list = await tasks(world, dir);
    return list[0]?.state === "success" ? list : undefined;
  });
  await new Promise((r) => setTimeout(r, Number(process.env.OUTAGE_MS ?? 60_000) - 5_000));
  const duringOutage = world.gitea.statuses("alice", "hw", commit).length;
  world.gitea.setDown(false);
  t.diagnostic(`Gitea up at ${new Date().toISOString()}`);

  await waitFor("the release after the outage", () => world.gitea.releases("alice", "hw").find((r) => r.tagName === `ailab/${task!.id}` && r.assets.length === 3), 90_000).catch((e: Error) => {
    const dump = new Database(join(world.actionDataDir, "action.db"), { readonly: true });
    const rows = dump.prepare("SELECT * FROM forge_outbox").all();
    dump.close();
    throw new Error(`${e.message}\n--- releases ---\n${JSON.stringify(world.gitea.releases("alice", "hw").map((r) => ({ tag: r.tagName, assets: r.assets.map((a) => a.name) })))} task ${task!.id}\n--- outbox ---\n${JSON.stringify(rows, null, 1)}\nnow ${Date.now()}\n--- action ---\n${world.actionLog().slice(-20000)}`);
  });
  const db = new Database(join(world.actionDataDir, "action.db"), { readonly: true });
  const queued = db.prepare("SELECT description FROM forge_outbox WHERE task_id = ? AND kind = 'status' ORDER BY id").all(task!.id) as { description: string }[];
  db.close();
  const shown = world.gitea.statuses("alice", "hw", commit);
  assert.ok(shown.length > duringOutage, "statuses came after the outage");
  assert.deepEqual(
    shown.map((s) => s.description),
    queued.map((q) => q.description),
    "every status the action decided, once each, in the order it decided them",
  );
  assert.equal(shown.at(-1)!.state, "success");
});

test("an asset Gitea refuses as too large (413) stays with ailab and the release links to it", { timeout: 300_000 }, async (t) => {
  const world = await startForgeWorld(t, { forge: { maxAssetBytes: 600 } });
  const big = 'import os\nos.makedirs("output", exist_ok=True)\nopen("output/weights.bin", "wb").write(os.urandom(20000))\n';
  const dir = await world.makeProject("big", sampleProject({ "train.py": big }));
  const submit = await world.ailab(["submit", "--wait"], dir);
  assert.equal(submit.exitCode, 0, submit.stderr);
  const taskId = submit.stdout.trim();
  const release = await waitFor("the release", () => world.gitea.releases("alice", "hw").find((r) => r.tagName === `ailab/${taskId}` && /Too large for the forge/.test(r.body)));
  assert.ok(!release.assets.some((a) => a.name === "results.tar.gz"), "the big archive is not on Gitea");
  const link = new RegExp(`\\(${world.actionUrl}/api/tasks/${taskId}/artifacts/results\\.tar\\.gz\\)`);
  assert.match(release.body, link);
  const pull = await world.ailab(["pull", taskId], dir);
  assert.equal(pull.exitCode, 0, pull.stderr);
  assert.match(pull.stderr, /results\.tar\.gz .* from ailab/);
  assert.equal((await readFile(join(dir, "results", taskId, "output", "weights.bin"))).length, 20000);
});
