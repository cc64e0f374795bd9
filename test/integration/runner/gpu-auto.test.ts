import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { gpuTypeToken } from "../../../runner-agent/gpu/nvidia-smi.js";
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

const torchPython = (() => {
  const found = spawnSync("python3", ["-c", "import sys, torch; print(sys.executable)"], { encoding: "utf8" });
  return found.status === 0 ? found.stdout.trim() : undefined;
})();

test("on a machine with NVIDIA GPUs the heartbeat offers their real names and short types, and gpu_type by short type reaches them", { skip: gpuCount === 0 && "no nvidia-smi or no GPU here" }, async (t) => {
  const world = await createRunnerWorld(t);
  await world.start({ heartbeatMs: "100" });
  await world.inbox.until(() => world.inbox.heartbeats().length > 0, 15_000, "a heartbeat");
  const first = world.inbox.heartbeats()[0]!;
  assert.equal(first.totalGpus, gpuCount);
  const gpu = first.gpus[0]!;
  assert.match(gpu.uuid, /^GPU-[0-9a-f-]+$/);
  assert.match(gpu.name, /^NVIDIA /);
  assert.ok((gpu.memoryTotalMiB ?? 0) > 0, "memory read");
  assert.notEqual(gpu.utilizationPercent, null, "utilisation read");
  const short = gpuTypeToken(gpu.name)!;
  assert.ok(first.gpuTypes.includes(gpu.name) && first.gpuTypes.includes(short), JSON.stringify(first.gpuTypes));

  // The job prints what it was handed and, where this machine's python3 has PyTorch, what CUDA shows it.
  const sees = torchPython ? [`${torchPython} -c "import torch; print('torch sees', torch.cuda.device_count(), torch.cuda.get_device_name(0))"`] : [];
  const project = await publishProject(t, world.store, { "task.toml": taskToml(["echo cuda=$CUDA_VISIBLE_DEVICES", ...sees], { gpus: 1, gpuType: short.toUpperCase() }) });
  const job = project.submit();
  await sendToRunner(world.store, TEST_SECRET, TEST_RUNNER, job);
  const done = await world.inbox.completion(job.taskId);
  assert.equal(done.state, "success", done.description);
  const log = (await readArchive(world.store, done, "logs.tar.gz", world.root)).get("job.log") ?? "";
  t.diagnostic(`job log:\n${log}`);
  assert.match(log, /^cuda=0$/m);
  if (torchPython) assert.match(log, new RegExp(`^torch sees 1 ${gpu.name}$`, "m"));
});
