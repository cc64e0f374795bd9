import assert from "node:assert/strict";
import { test } from "node:test";
import { chooseRunner } from "../../../core/runners/choose-runner.js";
import type { RunnerRecord } from "../../../action/runners/runner-store.js";
import type { Task } from "../../../core/task/task.js";

const NOW = Date.parse("2024-05-01T12:00:00Z");
const MINUTE = 60_000;
const options = { isFresh: (r: RunnerRecord) => NOW - r.lastSeen <= 10 * MINUTE, defaultRunner: "local" };

function runner(name: string, offer: Partial<RunnerRecord> = {}): RunnerRecord {
  return { name, scheduler: "local", partitions: [], gpuTypes: [], totalGpus: 0, freeGpus: 0, gpus: [], reportedAt: NOW, lastSeen: NOW, ...offer };
}

const clusterA = runner("cluster-a", { scheduler: "slurm", partitions: ["gpu", "debug"], gpuTypes: ["a100"], totalGpus: 2, freeGpus: 2 });
const gpuBox = runner("gpu-box", { gpuTypes: ["NVIDIA H100 80GB HBM3"], totalGpus: 1, freeGpus: 1 });
const both = [clusterA, gpuBox];

function ask(resources: Partial<Task["resources"]> = {}, cluster?: string): Pick<Task, "cluster" | "resources"> {
  return { ...(cluster !== undefined ? { cluster } : {}), resources: { gpus: 1, cpus: 1, memory: "1G", timeLimit: "0:10:00", ...resources } };
}

test("gpu_type picks the runner that offers it, case-insensitively and by a word of a full GPU name", () => {
  assert.deepEqual(chooseRunner(ask({ gpuType: "h100" }), both, options), { ok: true, runner: "gpu-box" });
  assert.deepEqual(chooseRunner(ask({ gpuType: "A100" }), both, options), { ok: true, runner: "cluster-a" });
  assert.deepEqual(chooseRunner(ask({ gpuType: "h10" }), both, options).ok, false, "a word, not a prefix");
});

test("a type nobody offers is an error listing what each runner offers", () => {
  assert.deepEqual(chooseRunner(ask({ gpuType: "v100" }), both, options), {
    ok: false,
    description: 'error: no runner offers gpu_type "v100": runners offer a100 (cluster-a), NVIDIA H100 80GB HBM3 (gpu-box)',
  });
  const named = { ...gpuBox, gpuTypes: ["NVIDIA H100 80GB HBM3", "h100"] };
  assert.deepEqual(chooseRunner(ask({ gpuType: "v100" }), [clusterA, named], options), {
    ok: false,
    description: 'error: no runner offers gpu_type "v100": runners offer a100 (cluster-a), h100 (gpu-box)',
  });
  const cpuOnly = runner("cpu-box");
  assert.deepEqual(chooseRunner(ask({ gpuType: "h100" }), [clusterA, cpuOnly], options), {
    ok: false,
    description: 'error: no runner offers gpu_type "h100": runners offer a100 (cluster-a), none (cpu-box)',
  });
});

test("a partition goes to a Slurm runner that has it; local runners offer none", () => {
  assert.deepEqual(chooseRunner(ask({ partition: "gpu" }), both, options), { ok: true, runner: "cluster-a" });
  assert.deepEqual(chooseRunner(ask({ partition: "long" }), both, options), {
    ok: false,
    description: 'error: no runner offers partition "long": runners offer gpu/debug (cluster-a), none (gpu-box)',
  });
  assert.deepEqual(chooseRunner(ask({ partition: "gpu", gpuType: "h100" }), both, options), {
    ok: false,
    description: 'error: no runner offers partition "gpu" with gpu_type "h100": runners offer none (gpu-box)',
  });
});

test("more GPUs than any runner has is an error; the runner with the most free GPUs wins, then the name", () => {
  assert.deepEqual(chooseRunner(ask({ gpus: 3 }), both, options), {
    ok: false,
    description: "error: no runner offers 3 GPUs: runners offer 2 GPUs (cluster-a), 1 GPU (gpu-box)",
  });
  assert.deepEqual(chooseRunner(ask({ gpus: 1 }), both, options), { ok: true, runner: "cluster-a" });
  const busyA = { ...clusterA, freeGpus: 0 };
  assert.deepEqual(chooseRunner(ask({ gpus: 1 }), [busyA, gpuBox], options), { ok: true, runner: "gpu-box" });
  const twin = runner("b-twin", { totalGpus: 1, freeGpus: 1 });
  assert.deepEqual(chooseRunner(ask({ gpus: 1 }), [busyA, gpuBox, twin], options), { ok: true, runner: "b-twin" });
});

test("cluster names the runner; an unknown one or one that lacks the ask is an error", () => {
  assert.deepEqual(chooseRunner(ask({ gpus: 0 }, "gpu-box"), both, options), { ok: true, runner: "gpu-box" });
  assert.deepEqual(chooseRunner(ask({ gpuType: "h100" }, "cluster-a"), both, options), {
    ok: false,
    description: 'error: cluster "cluster-a" does not offer gpu_type "h100": it offers a100',
  });
  assert.deepEqual(chooseRunner(ask({}, "elsewhere"), both, options), {
    ok: false,
    description: 'error: no runner named "elsewhere": runners are cluster-a, gpu-box',
  });
});

test("before any heartbeat the configured runner gets every task, unless another cluster is named", () => {
  assert.deepEqual(chooseRunner(ask({ gpuType: "h100", gpus: 8, partition: "x" }), [], options), { ok: true, runner: "local" });
  assert.deepEqual(chooseRunner(ask({}, "local"), [], options), { ok: true, runner: "local" });
  assert.deepEqual(chooseRunner(ask({}, "cluster-a"), [], options), { ok: false, description: 'error: no runner named "cluster-a": runners are local' });
});

test("stale runners are passed over while a fresh one exists, and used when none is", () => {
  const staleA = { ...clusterA, lastSeen: NOW - 11 * MINUTE };
  assert.deepEqual(chooseRunner(ask({ gpus: 1 }), [staleA, gpuBox], options), { ok: true, runner: "gpu-box" });
  assert.deepEqual(chooseRunner(ask({ gpuType: "a100" }), [staleA, gpuBox], options).ok, false, "only fresh runners count while one is fresh");
  const staleBox = { ...gpuBox, lastSeen: NOW - 60 * MINUTE };
  assert.deepEqual(chooseRunner(ask({ gpuType: "a100" }), [staleA, staleBox], options), { ok: true, runner: "cluster-a" });
  assert.deepEqual(chooseRunner(ask({ gpuType: "a100" }, "cluster-a"), [staleA, gpuBox], options), { ok: true, runner: "cluster-a" });
});
