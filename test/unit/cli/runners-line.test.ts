import assert from "node:assert/strict";
import { test } from "node:test";
import { describeRunner } from "../../../cli/commands/runners.js";

const gpu = (index: number, busy: boolean) => ({ index, uuid: `GPU-${index}`, name: "NVIDIA A100", memoryTotalMiB: 40960, memoryUsedMiB: 0, utilizationPercent: 0, busy });

test("a runner line names its short GPU types, partitions, free GPUs, and says when it went silent", () => {
  const base = { name: "cluster-a", scheduler: "slurm", partitions: ["gpu", "debug"], gpuTypes: ["a100"], totalGpus: 2, freeGpus: 1, gpus: [gpu(0, true), gpu(1, false)], lastSeen: "2026-11-24T10:00:00.000Z", stale: false };
  assert.equal(describeRunner(base), "cluster-a  slurm  a100  partitions gpu,debug  1 of 2 GPUs free");
  assert.equal(
    describeRunner({ ...base, name: "box", scheduler: "local", partitions: [], gpuTypes: ["NVIDIA H100 80GB HBM3", "h100"], totalGpus: 1, freeGpus: 0, stale: true }),
    "box  local  h100  0 of 1 GPU free  not heard from since 2026-11-24T10:00:00.000Z",
  );
});

test("a runner line lists the Python versions the runner has, when it says", () => {
  const base = { name: "box", scheduler: "local", partitions: [], gpuTypes: [], totalGpus: 0, freeGpus: 0, gpus: [], lastSeen: "2026-11-24T10:00:00.000Z", stale: false };
  assert.equal(describeRunner({ ...base, pythons: ["3.12.4", "3.11.7"] }), "box  local  no GPUs  0 of 0 GPUs free  Python 3.12.4,3.11.7");
  assert.equal(describeRunner({ ...base, pythons: [] }), "box  local  no GPUs  0 of 0 GPUs free  Python none");
});

test("a runner whose jobs run without a sandbox says so; one with bwrap says nothing more", () => {
  const base = { name: "box", scheduler: "local", partitions: [], gpuTypes: [], totalGpus: 0, freeGpus: 0, gpus: [], lastSeen: "2026-11-24T10:00:00.000Z", stale: false };
  assert.equal(describeRunner({ ...base, sandbox: "none" }), "box  local  no GPUs  0 of 0 GPUs free  NO SANDBOX: jobs are not kept apart");
  assert.equal(describeRunner({ ...base, sandbox: "bwrap" }), "box  local  no GPUs  0 of 0 GPUs free");
});
