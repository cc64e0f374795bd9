import assert from "node:assert/strict";
import { test } from "node:test";
import { parseGpuGres, parseSinfoGres } from "../../../runner-agent/gpu/slurm-gres.js";

test("sinfo's node lines (as the one-node test cluster prints them) give partitions, gres and gres in use", () => {
  // `sinfo -h -N -O NodeHost:|,Partition:|,Gres:|,GresUsed:|` on the test cluster, Slurm 22.05.
  const output = "vm|gpu*|gpu:a100:2|gpu:a100:1(IDX:0)|\nvm|debug|gpu:a100:2|gpu:a100:1(IDX:0)|\n";
  assert.deepEqual(parseSinfoGres(output), [
    { node: "vm", partition: "gpu", gres: [{ type: "a100", count: 2 }], gresUsed: [{ type: "a100", count: 1 }] },
    { node: "vm", partition: "debug", gres: [{ type: "a100", count: 2 }], gresUsed: [{ type: "a100", count: 1 }] },
  ]);
});

test("gres strings: typed and untyped GPUs, socket and index lists, other resources, none", () => {
  assert.deepEqual(parseGpuGres("gpu:a100:2"), [{ type: "a100", count: 2 }]);
  assert.deepEqual(parseGpuGres("gpu:4"), [{ type: null, count: 4 }]);
  assert.deepEqual(parseGpuGres("gpu:h100:8(S:0-1)"), [{ type: "h100", count: 8 }]);
  assert.deepEqual(parseGpuGres("gpu:a100:2(IDX:0,2),gpu:v100:1(IDX:3),shard:8"), [
    { type: "a100", count: 2 },
    { type: "v100", count: 1 },
  ]);
  assert.deepEqual(parseGpuGres("(null)"), []);
  assert.deepEqual(parseGpuGres("gpu:a100:0(IDX:N/A)"), [{ type: "a100", count: 0 }]);
});
