import { test } from "node:test";
import assert from "node:assert/strict";
import { allocateGpus } from "../../../runner-agent/gpu-allocation.js";

const GPUS = [
  { id: "0", name: "NVIDIA A100-SXM4-80GB" },
  { id: "1", name: "NVIDIA H100 80GB HBM3" },
  { id: "2", name: "NVIDIA H100 80GB HBM3" },
];

test("a task gets the lowest free GPUs of its type, waits while they are busy, and fails when there could never be enough", () => {
  assert.deepEqual(allocateGpus(0, undefined, [], new Set()), { give: [] });
  assert.deepEqual(allocateGpus(2, undefined, GPUS, new Set(["0"])), { give: ["1", "2"] });
  assert.deepEqual(allocateGpus(1, "h100", GPUS, new Set(["1"])), { give: ["2"] });
  assert.deepEqual(allocateGpus(2, "h100", GPUS, new Set(["1"])), { wait: true });
  assert.deepEqual(allocateGpus(1, undefined, [], new Set()), { error: "the task asks for 1 GPU; this runner has none" });
  assert.deepEqual(allocateGpus(4, undefined, GPUS, new Set()), { error: "the task asks for 4 GPUs; this runner has 3" });
  assert.deepEqual(allocateGpus(2, "a100", GPUS, new Set()), { error: "the task asks for 2 a100 GPUs; this runner has 1 a100 among 3" });
});
