import { test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { fakeNvidiaSmi } from "../../helpers/fake-nvidia-smi.js";
import { readArchive } from "../../helpers/runner-artifacts.js";
import { publishProject, sendToRunner, taskToml } from "../../helpers/runner-project.js";
import { openJobGate, WAIT_FOR_GATE } from "../../helpers/job-gate.js";
import { createRunnerWorld, TEST_RUNNER, TEST_SECRET } from "../../helpers/runner-world.js";

// A GPU box without a GPU: the fake nvidia-smi on PATH lists an H100 (index 0) and an A100 (index 1).

test("the runner reads index, uuid, name, memory and utilisation from nvidia-smi and offers the GPU types in its first heartbeat", async (t) => {
  const world = await createRunnerWorld(t);
  await world.start({ heartbeatMs: "100" }, await fakeNvidiaSmi(t));
  await world.inbox.until(() => world.inbox.heartbeats().length > 0, 10_000, "a heartbeat");
  const first = world.inbox.heartbeats()[0]!;
  assert.equal(first.runner, TEST_RUNNER);
  assert.equal(first.scheduler, "local");
  assert.deepEqual(first.partitions, []);
  assert.deepEqual(first.gpuTypes, ["NVIDIA A100-SXM4-80GB", "NVIDIA H100 80GB HBM3", "a100", "h100"]);
  assert.equal(first.totalGpus, 2);
  assert.equal(first.freeGpus, 2);
  assert.deepEqual(first.gpus, [
    { index: 0, uuid: "GPU-90968762-d506-4ba8-d9b8-10207cea82e8", name: "NVIDIA H100 80GB HBM3", memoryTotalMiB: 81559, memoryUsedMiB: 0, utilizationPercent: 0, taskId: null },
    { index: 1, uuid: "GPU-5c1b2a3d-0e4f-4a6b-8c7d-9e0f1a2b3c4d", name: "NVIDIA A100-SXM4-80GB", memoryTotalMiB: 81920, memoryUsedMiB: 1024, utilizationPercent: 35, taskId: null },
  ]);
});

test("gpu_type picks the GPU by name through CUDA_VISIBLE_DEVICES; a job waits while its type is busy and holds the head of the line", async (t) => {
  const world = await createRunnerWorld(t);
  const wait = WAIT_FOR_GATE;
  const typed = async (gpuType?: string) =>
    publishProject(t, world.store, { "task.toml": taskToml(["echo cuda=$CUDA_VISIBLE_DEVICES", wait], { gpus: 1, ...(gpuType ? { gpuType } : {}) }) });
  const [a100, h100, anyGpu] = [await typed("a100"), await typed("H100"), await typed()];
  const cpuOnly = await publishProject(t, world.store, { "task.toml": taskToml(["echo cuda=[$CUDA_VISIBLE_DEVICES]"]) });
  const v100 = await typed("v100");
  await world.start({ maxJobs: "4" }, await fakeNvidiaSmi(t));

  const onA100 = a100.submit();
  const onH100 = h100.submit();
  const secondH100 = h100.submit();
  const any = anyGpu.submit();
  const cpu = cpuOnly.submit();
  const none = v100.submit();
  for (const s of [onA100, onH100, secondH100, any, cpu, none]) await sendToRunner(world.store, TEST_SECRET, TEST_RUNNER, s);

  const missing = await world.inbox.completion(none.taskId);
  assert.equal(missing.state, "error");
  assert.equal(missing.description, "the task asks for 1 v100 GPU; this runner has 0 v100 among 2");
  await world.inbox.until(() => [onA100, onH100].every((s) => world.inbox.events(s.taskId).some((e) => e.state === "running")), 30_000, "the A100 and H100 jobs running");
  await sleep(500);
  await world.inbox.read();
  assert.deepEqual(world.inbox.events(secondH100.taskId).map((e) => e.state), ["queued"], "the second H100 job waits, though the A100 is free");
  assert.deepEqual(world.inbox.events(any.taskId).map((e) => e.state), ["queued"], "nobody overtakes it: not a job any GPU would do");
  assert.deepEqual(world.inbox.events(cpu.taskId).map((e) => e.state), ["queued"], "nor one that needs no GPU");

  openJobGate(t, world);
  const cuda = new Map<string, string>();
  for (const s of [onA100, onH100, secondH100, any, cpu]) {
    const done = await world.inbox.completion(s.taskId);
    assert.equal(done.state, "success", done.description);
    const log = (await readArchive(world.store, done, "logs.tar.gz", world.root)).get("job.log") ?? "";
    cuda.set(s.taskId, /^cuda=(\S*)$/m.exec(log)?.[1] ?? "?");
  }
  assert.equal(cuda.get(onA100.taskId), "1", "the A100 is GPU 1");
  assert.equal(cuda.get(onH100.taskId), "0", "the H100 is GPU 0");
  assert.equal(cuda.get(secondH100.taskId), "0");
  assert.match(cuda.get(any.taskId)!, /^[01]$/);
  assert.equal(cuda.get(cpu.taskId), "[]");
});
