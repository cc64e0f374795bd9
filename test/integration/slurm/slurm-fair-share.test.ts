import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { publishProject, sendToRunner, taskToml } from "../../helpers/runner-project.js";
import { createRunnerWorld, TEST_RUNNER, TEST_SECRET } from "../../helpers/runner-world.js";
import { requireSlurm, scancelByPrefix } from "../../helpers/slurm-cluster.js";

// The real runner with --scheduler slurm against the one-node test cluster
// (scripts/slurm-test-cluster.sh). Slurm queues jobs itself; the runner holds
// a user's tasks back only for fair share.

test("on Slurm, with one job per user allowed, alice's second job stays in the runner's queue while bob's runs", async (t) => {
  if (!requireSlurm(t)) return;
  const world = await createRunnerWorld(t);
  const go = join(world.root, "go");
  const project = await publishProject(t, world.store, { "task.toml": taskToml([`while [ ! -e ${go} ]; do sleep 0.2; done`]) });
  const [alice1, alice2, bob] = [project.submit({ user: "alice" }), project.submit({ user: "alice" }), project.submit({ user: "bob" })];
  for (const s of [alice1, alice2, bob]) t.after(() => scancelByPrefix(`ailab-${s.taskId}`));
  await world.start({ scheduler: "slurm", maxJobsPerUser: "1" });
  for (const s of [alice1, alice2, bob]) await sendToRunner(world.store, TEST_SECRET, TEST_RUNNER, s);

  const ran = (id: string) => world.inbox.events(id).some((e) => e.state === "running");
  await world.inbox.until(() => ran(alice1.taskId) && ran(bob.taskId), 120_000, "alice's first job and bob's running in Slurm");
  await sleep(1000);
  await world.inbox.read();
  assert.deepEqual(
    world.inbox.events(alice2.taskId).map((e) => `${e.state}: ${e.description}`),
    ["queued: queued", "queued: queued · waiting for your running jobs (limit 1 at once)"],
    "never handed to Slurm while alice's first job runs",
  );

  writeFileSync(go, "");
  for (const s of [alice1, alice2, bob]) {
    const done = await world.inbox.completion(s.taskId, 180_000);
    assert.equal(done.state, "success", done.description);
  }
});
