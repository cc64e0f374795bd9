import assert from "node:assert/strict";
import { test } from "node:test";
import { silentLogger } from "../../../core/logger.js";
import { slurmOffer } from "../../../runner-agent/gpu-offer.js";
import type { ProcessRunner } from "../../../runner-agent/process-runner.js";

/** Answers `sinfo` with `stdout` and records what was asked. */
function sinfo(stdout: string, exitCode = 0): ProcessRunner & { calls: string[][] } {
  const calls: string[][] = [];
  const run = (argv: readonly string[]) => {
    calls.push([...argv]);
    return Promise.resolve({ exitCode, stdout, stderr: exitCode === 0 ? "" : "sinfo: error: Unable to contact slurm controller" });
  };
  return Object.assign(run, { calls });
}

// Two nodes: n1 (4 a100, 3 in use) in gpu and debug, n2 (2 h100, none in use) in big only.
const CLUSTER = ["n1|gpu*|gpu:a100:4(S:0)|gpu:a100:3(IDX:0-2)|", "n1|debug|gpu:a100:4(S:0)|gpu:a100:3(IDX:0-2)|", "n2|big|gpu:h100:2|gpu:h100:0(IDX:N/A)|", ""].join("\n");

test("a Slurm runner offers every partition sinfo lists, their gres types, and GPUs counted once per node", async () => {
  const run = sinfo(CLUSTER);
  assert.deepEqual(await slurmOffer(undefined, run, {}, silentLogger), { partitions: ["big", "debug", "gpu"], gpuTypes: ["a100", "h100"], totalGpus: 6, freeGpus: 3, gpus: [] });
  assert.equal(run.calls.length, 1, "one sinfo call");
  assert.equal(run.calls[0]![0], "sinfo");
});

test("with the admin's partitions it offers only those, and only their nodes' GPUs", async () => {
  assert.deepEqual(await slurmOffer(["gpu", "debug"], sinfo(CLUSTER), {}, silentLogger), { partitions: ["gpu", "debug"], gpuTypes: ["a100"], totalGpus: 4, freeGpus: 1, gpus: [] });
});

test("a failed sinfo offers the partitions the admin chose and no GPUs", async () => {
  assert.deepEqual(await slurmOffer(["gpu"], sinfo("", 1), {}, silentLogger), { partitions: ["gpu"], gpuTypes: [], totalGpus: 0, freeGpus: 0, gpus: [] });
});
