import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readArchive } from "../../helpers/runner-artifacts.js";
import { publishProject, sendToRunner, taskToml } from "../../helpers/runner-project.js";
import { createRunnerWorld, TEST_RUNNER, TEST_SECRET } from "../../helpers/runner-world.js";

const listed = spawnSync("nvidia-smi", ["-L"], { encoding: "utf8" });
const gpuCount = listed.status === 0 ? listed.stdout.split("\n").filter((l) => l.startsWith("GPU ")).length : 0;

test("on a machine with NVIDIA GPUs the runner finds them itself and hands one to a job", { skip: gpuCount === 0 && "no nvidia-smi or no GPU here" }, async (t) => {
  const world = await createRunnerWorld(t);
  const oneGpu = await publishProject(t, world.store, { "task.toml": taskToml(["nvidia-smi -L", "echo cuda=$CUDA_VISIBLE_DEVICES"], { gpus: 1 }) });
  const tooMany = await publishProject(t, world.store, { "task.toml": taskToml(["true"], { gpus: gpuCount + 1 }) });
  await world.start();
  const job = oneGpu.submit();
  const huge = tooMany.submit();
  await sendToRunner(world.store, TEST_SECRET, TEST_RUNNER, job);
  await sendToRunner(world.store, TEST_SECRET, TEST_RUNNER, huge);

  const done = await world.inbox.completion(job.taskId);
  assert.equal(done.state, "success", done.description);
  assert.deepEqual(done.runCard.gpuIds, ["0"]);
  assert.equal(done.runCard.gpus, 1);
  const log = (await readArchive(world.store, done, "logs.tar.gz", world.root)).get("job.log") ?? "";
  assert.match(log, /^GPU 0: /m);
  assert.match(log, /^cuda=0$/m);
  const hugeDone = await world.inbox.completion(huge.taskId);
  assert.equal(hugeDone.state, "error");
  assert.equal(hugeDone.description, `the task asks for ${gpuCount + 1} GPUs; this runner has ${gpuCount}`);
});
