import assert from "node:assert/strict";
import { test } from "node:test";
import { formatGpuHours } from "../../../core/format-gpu-hours.js";
import { reservedGpuHours } from "../../../core/task/task-reservation.js";

test("a task reserves GPUs × time limit, for every run of a sweep; a CPU task reserves nothing", () => {
  assert.equal(reservedGpuHours({ resources: { gpus: 2, timeLimit: "0:30:00" } }), 1);
  assert.equal(reservedGpuHours({ resources: { gpus: 1, timeLimit: "1-12" } }), 36);
  assert.equal(reservedGpuHours({ resources: { gpus: 1, timeLimit: "1" } }), 1 / 60, "a bare number is minutes, as Slurm reads it");
  assert.equal(reservedGpuHours({ resources: { gpus: 1, timeLimit: "10:00" } }, ), 10 / 60);
  assert.equal(reservedGpuHours({ resources: { gpus: 1, timeLimit: "1:00:00" }, sweep: { lr: [0.1, 0.01], seed: [1, 2, 3] } }), 6);
  assert.equal(reservedGpuHours({ resources: { gpus: 0, timeLimit: "4:00:00" } }), 0);
});

test("GPU-hours are shown with enough digits to read against a small budget", () => {
  assert.equal(formatGpuHours(0.004913), "0.0049");
  assert.equal(formatGpuHours(0.05), "0.050");
  assert.equal(formatGpuHours(1 / 60), "0.017");
  assert.equal(formatGpuHours(0), "0.00");
  assert.equal(formatGpuHours(10.5), "10.50");
  assert.equal(formatGpuHours(123.456), "123.46");
});
