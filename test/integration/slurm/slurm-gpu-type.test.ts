import { test } from "node:test";
import assert from "node:assert/strict";
import { readArchive } from "../../helpers/runner-artifacts.js";
import { publishProject, sendToRunner, taskToml } from "../../helpers/runner-project.js";
import { createRunnerWorld, TEST_RUNNER, TEST_SECRET } from "../../helpers/runner-world.js";
import { requireSlurm, scancelByPrefix } from "../../helpers/slurm-cluster.js";

// The test cluster's node has `Gres=gpu:a100:2`. Routing matches GPU types
// case-insensitively; Slurm compares them exactly, so the job must ask for
// the cluster's own spelling.

test("a task asking for gpu_type \"A100\" runs on the cluster that calls it a100, with one GPU", async (t) => {
  if (!requireSlurm(t)) return;
  const world = await createRunnerWorld(t);
  const project = await publishProject(t, world.store, {
    "task.toml": taskToml(["echo gpus=${SLURM_GPUS_ON_NODE:-none}"], { gpus: 1, gpuType: "A100" }),
  });
  const submit = project.submit();
  t.after(() => scancelByPrefix(`ailab-${submit.taskId}`));
  await world.start({ scheduler: "slurm" });
  await sendToRunner(world.store, TEST_SECRET, TEST_RUNNER, submit);
  const completion = await world.inbox.completion(submit.taskId, 180_000);
  assert.equal(completion.state, "success", completion.description);
  const log = (await readArchive(world.store, completion, "logs.tar.gz", world.root)).get("job.log") ?? "";
  assert.match(log, /^gpus=1$/m);
});
