import assert from "node:assert/strict";
import { test } from "node:test";
import { parseSinfoCapacity } from "../../../runner-agent/slurm/slurm-capacity.js";

test("the cluster's capacity is the GPUs and CPUs of the allowed partitions' nodes, each node once", () => {
  const sinfo = ["vm|gpu*|8|gpu:a100:2|", "vm|debug|8|gpu:a100:2|", "big|gpu*|64|gpu:h100:4(S:0-1),gpu:a100:2|", "cpu1|cpu|32|(null)|", "garbled line", ""].join("\n");
  assert.deepEqual(parseSinfoCapacity(sinfo, ["gpu", "debug"]), { gpus: 8, cpus: 72 });
  assert.deepEqual(parseSinfoCapacity(sinfo, ["debug"]), { gpus: 2, cpus: 8 });
  assert.deepEqual(parseSinfoCapacity(sinfo, ["cpu"]), { gpus: 0, cpus: 32 });
});
