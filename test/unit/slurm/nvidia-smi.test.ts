import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { packageRoot } from "../../../core/package-root.js";
import { gpuMatchesType, gpuTypeToken, parseNvidiaSmi } from "../../../runner-agent/gpu/nvidia-smi.js";

const fixture = (name: string) => readFileSync(join(packageRoot(), "test/fixtures/nvidia-smi", name), "utf8");

test("real H100 query output parses into one GPU", () => {
  assert.deepEqual(parseNvidiaSmi(fixture("query-gpu.csv")), [
    {
      index: 0, uuid: "GPU-90968762-d506-4ba8-d9b8-10207cea82e8", name: "NVIDIA H100 80GB HBM3",
      memoryTotalMiB: 81559, memoryUsedMiB: 0, memoryFreeMiB: 81079, utilizationPercent: 0, temperatureC: 37,
    },
  ]);
});

test("unsupported readings become null and stray lines are skipped", () => {
  const gpus = parseNvidiaSmi("No devices were found\n1, GPU-x, Tesla T4, 15360, [N/A], 15000, [Not Supported], 40\n");
  assert.equal(gpus.length, 1);
  assert.equal(gpus[0]!.memoryUsedMiB, null);
  assert.equal(gpus[0]!.utilizationPercent, null);
});

test("gpu_type matches a whole word of the name, any case", () => {
  const h100 = { name: "NVIDIA H100 80GB HBM3" };
  assert.equal(gpuMatchesType(h100, "h100"), true);
  assert.equal(gpuMatchesType(h100, "H100"), true);
  assert.equal(gpuMatchesType(h100, "a100"), false);
  assert.equal(gpuMatchesType({ name: "NVIDIA RTX A1000" }, "a100"), false);
});

test("a GPU's short type is the word of its name a task would write as gpu_type", () => {
  const cases: [string, string | undefined][] = [
    ["NVIDIA H100 80GB HBM3", "h100"],
    ["NVIDIA A100-SXM4-80GB", "a100"],
    ["Tesla V100-SXM2-16GB", "v100"],
    ["NVIDIA GeForce RTX 4090", "4090"],
    ["NVIDIA RTX A6000", "a6000"],
    ["NVIDIA L4", "l4"],
    ["Some GPU", undefined],
  ];
  for (const [name, token] of cases) {
    assert.equal(gpuTypeToken(name), token, name);
    if (token) assert.ok(gpuMatchesType({ name }, token), `${token} matches ${name}`);
  }
});
