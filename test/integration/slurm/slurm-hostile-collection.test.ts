import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { jobPaths } from "../../../runner-agent/job-paths.js";
import { artifactSnapshot, assertNoted, assertNowhere, plantSecret, seenTask } from "../../helpers/hostile-job.js";
import { publishProject, sendToRunner, taskToml } from "../../helpers/runner-project.js";
import { createRunnerWorld, TEST_RUNNER, TEST_SECRET, type RunnerWorld } from "../../helpers/runner-world.js";
import { requireSlurm, scancelByPrefix } from "../../helpers/slurm-cluster.js";

// The hostile-collection attacks (test/integration/runner/hostile-collection.test.ts)
// with --scheduler slurm: the job writes on the compute node (Slurm writes its
// log), the runner reads on the login node. Run under flock /tmp/ailab-slurm.lock.

async function runOnSlurm(t: TestContext, world: RunnerWorld, user: string, commands: string[], more: Parameters<typeof taskToml>[1] = {}) {
  const project = await publishProject(t, world.store, { "task.toml": taskToml(commands, more) });
  const submit = project.submit({ user, repo: `${user}/demo` });
  t.after(() => scancelByPrefix(`ailab-${submit.taskId}`));
  await sendToRunner(world.store, TEST_SECRET, TEST_RUNNER, submit);
  return world.inbox.completion(submit.taskId, 180_000);
}

test("on Slurm, a job that swaps its log and exit code for links, and leaves linked results, gets no secret back; bob's task is untouched", async (t) => {
  if (!requireSlurm(t)) return;
  const world = await createRunnerWorld(t);
  const secret = plantSecret(world.root);
  // Without the sandbox, which would hide the runner's files already: the collection must hold on its own.
  await world.start({ scheduler: "slurm", sandbox: "none" });
  const bob = await runOnSlurm(t, world, "bob", ["mkdir -p output", "echo bob-result > output/r.txt", "echo bob-log-line"], { results: ["output"] });
  assert.equal(bob.state, "success", bob.description);
  const bobBefore = await artifactSnapshot(world.store, bob);
  const bobLog = jobPaths(world.dataDir, bob.taskId).logFile;

  const files = `${join(world.dataDir, "runner-files")}/$AILAB_TASK_ID`;
  const done = await runOnSlurm(
    t,
    world,
    "alice",
    [
      "mkdir -p output",
      "echo fine > output/ok.txt",
      `ln -s ${secret.file} output/link.txt`,
      `ln ${secret.file} output/hard.txt`,
      `ln ${bobLog} output/bob.log`,
      `ln -sf ${secret.file} ../job.log`,
      `rm -f ${files}/job.log && ln -s ${secret.file} ${files}/job.log`,
      `ln -f ${secret.file} ${files}/build.log`,
    ],
    { results: ["output"] },
  );

  assert.equal(done.state, "success", done.description);
  const seen = await seenTask(world.store, done, world.root);
  assertNowhere(seen, secret.text);
  assertNowhere(seen, "bob-log-line");
  assert.deepEqual([...seen.results.keys()], ["output/ok.txt"]);
  for (const line of [
    "left out result output/link.txt: is a symbolic link",
    "left out result output/hard.txt: has N names (a hard link)",
    "left out result output/bob.log: has N names (a hard link)",
    "left out job.log: is a symbolic link",
    "left out build.log: has N names (a hard link)",
  ]) {
    assertNoted(seen.log, line);
  }
  assert.deepEqual(await artifactSnapshot(world.store, bob), bobBefore, "bob's artifacts are as they were");
});
