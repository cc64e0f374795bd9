import assert from "node:assert/strict";
import { test } from "node:test";
import { createRunnerWorld } from "../../helpers/runner-world.js";
import { requireSlurm } from "../../helpers/slurm-cluster.js";

// The one-node test cluster (scripts/slurm-test-cluster.sh): node vm in partitions gpu and debug, gres gpu:a100:2.

test("a Slurm runner's first heartbeat offers the cluster's partitions, gres GPU types and GPUs", async (t) => {
  if (!requireSlurm(t)) return;
  const world = await createRunnerWorld(t);
  const runner = await world.start({ scheduler: "slurm", heartbeatMs: "100" });
  await world.inbox.until(() => world.inbox.heartbeats().length > 0, 15_000, "a heartbeat");
  await runner.stop();
  const first = world.inbox.heartbeats()[0]!;
  assert.equal(first.scheduler, "slurm");
  assert.deepEqual([...first.partitions].sort(), ["debug", "gpu"]);
  assert.deepEqual(first.gpuTypes, ["a100"]);
  assert.equal(first.totalGpus, 2);
  assert.ok(first.freeGpus <= 2);
  assert.deepEqual(first.gpus, []);
});

test("with --partitions the heartbeat offers only those", async (t) => {
  if (!requireSlurm(t)) return;
  const world = await createRunnerWorld(t);
  await world.start({ scheduler: "slurm", partitions: "gpu", heartbeatMs: "100" });
  await world.inbox.until(() => world.inbox.heartbeats().length > 0, 15_000, "a heartbeat");
  assert.deepEqual(world.inbox.heartbeats()[0]!.partitions, ["gpu"]);
  assert.deepEqual(world.inbox.heartbeats()[0]!.gpuTypes, ["a100"]);
});
