import { test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import type { Heartbeat } from "../../../core/protocol/messages.js";
import { readArchive } from "../../helpers/runner-artifacts.js";
import { publishProject, sendToRunner, taskToml } from "../../helpers/runner-project.js";
import { openJobGate, WAIT_FOR_GATE } from "../../helpers/job-gate.js";
import { createRunnerWorld, TEST_RUNNER, TEST_SECRET } from "../../helpers/runner-world.js";

test("the local executor hands each job its own GPUs through CUDA_VISIBLE_DEVICES; the next waits at the head of the line", async (t) => {
  const world = await createRunnerWorld(t);
  const oneGpu = await publishProject(t, world.store, {
    "task.toml": taskToml(["echo cuda=$CUDA_VISIBLE_DEVICES", WAIT_FOR_GATE], { gpus: 1 }),
  });
  const noGpu = await publishProject(t, world.store, { "task.toml": taskToml(["echo cuda=[$CUDA_VISIBLE_DEVICES]"]) });
  const tooMany = await publishProject(t, world.store, { "task.toml": taskToml(["true"], { gpus: 3 }) });
  await world.start({ gpus: "0,1", maxJobs: "4" });

  const [a, b, c] = [oneGpu.submit(), oneGpu.submit(), oneGpu.submit()];
  const cpu = noGpu.submit();
  const huge = tooMany.submit();
  for (const s of [a, b, c, cpu, huge]) await sendToRunner(world.store, TEST_SECRET, TEST_RUNNER, s);

  const hugeDone = await world.inbox.completion(huge.taskId);
  assert.equal(hugeDone.state, "error");
  assert.equal(hugeDone.description, "the task asks for 3 GPUs; this runner has 2");
  await world.inbox.until(() => [a, b].every((s) => world.inbox.events(s.taskId).some((e) => e.state === "running")), 30_000, "two GPU jobs");
  await sleep(500);
  await world.inbox.read();
  assert.deepEqual(world.inbox.events(c.taskId).map((e) => e.state), ["queued"], "the third waits for a GPU");
  assert.deepEqual(world.inbox.events(cpu.taskId).map((e) => e.state), ["queued"], "and nobody overtakes it");

  openJobGate(t, world);
  const seen = new Map<string, string>();
  for (const s of [a, b, c, cpu]) {
    const done = await world.inbox.completion(s.taskId);
    assert.equal(done.state, "success", done.description);
    const log = (await readArchive(world.store, done, "logs.tar.gz", world.root)).get("job.log") ?? "";
    seen.set(s.taskId, /^cuda=(\S*)$/m.exec(log)?.[1] ?? "?");
    if (s !== cpu) assert.deepEqual(done.runCard.gpuIds, [seen.get(s.taskId)]);
  }
  assert.deepEqual([seen.get(a.taskId), seen.get(b.taskId)].sort(), ["0", "1"]);
  assert.match(seen.get(c.taskId)!, /^[01]$/);
  assert.equal(seen.get(cpu.taskId), "[]", "a job without GPUs sees none");
});

test("heartbeats tell the action the runner's GPUs, which are free, and each user's use", async (t) => {
  const world = await createRunnerWorld(t);
  const project = await publishProject(t, world.store, { "task.toml": taskToml([WAIT_FOR_GATE], { gpus: 1 }) });
  await world.start({ gpus: "0,1", heartbeatMs: "100" });
  await world.inbox.until(() => world.inbox.heartbeats().length > 0, 10_000, "a heartbeat");
  const first = world.inbox.heartbeats()[0]!;
  assert.equal(first.runner, TEST_RUNNER);
  assert.equal(first.scheduler, "local");
  assert.equal(first.totalGpus, 2);
  assert.equal(first.freeGpus, 2);

  const submit = project.submit({ user: "bob" });
  await sendToRunner(world.store, TEST_SECRET, TEST_RUNNER, submit);
  const running = (h: Heartbeat) => h.accounting.some((a) => a.user === "bob" && a.runningJobs === 1);
  await world.inbox.until(() => world.inbox.heartbeats().some(running), 30_000, "a heartbeat with bob's job running");
  const during = world.inbox.heartbeats().find(running)!;
  assert.equal(during.freeGpus, 1);
  assert.deepEqual(during.gpus.map((g) => g.taskId), [submit.taskId, null]);

  openJobGate(t, world);
  await world.inbox.completion(submit.taskId);
  const after = world.inbox.messages.length;
  await world.inbox.until(() => world.inbox.heartbeats().slice(-1)[0]!.accounting.some((a) => a.succeeded === 1) && world.inbox.messages.length > after, 10_000, "a heartbeat after the job");
  const bob = world.inbox.heartbeats().slice(-1)[0]!.accounting.find((a) => a.user === "bob")!;
  assert.equal(bob.tasks, 1);
  assert.equal(bob.runningJobs, 0);
  assert.ok(bob.gpuHours > 0 && bob.gpuHours < 0.01, String(bob.gpuHours));
});
