import assert from "node:assert/strict";
import { test } from "node:test";
import { ordinal, parseSqueue, placeInLine } from "../../../runner-agent/slurm/squeue.js";
import { parseSlurmState } from "../../../runner-agent/slurm/slurm-state.js";

// Lines as Slurm 22.05 printed them on the test cluster for `squeue -h -r -t all -o SQUEUE_FORMAT`.
const OUTPUT = [
  "1|1|N/A|ailab-t1|COMPLETED|None|vm|2026-11-24T10:10:59|2026-11-24T10:11:04|4294901759|gpu",
  "4|4|0|ailab-arr|PENDING|None||N/A|N/A|4294901756|gpu",
  "4|4|1|ailab-arr|PENDING|None||N/A|N/A|4294901756|gpu",
  "5|5|N/A|ailab-big|PENDING|Priority||N/A|N/A|4294901755|gpu",
  "6|6|N/A|ailab-mid|PENDING|Resources||N/A|N/A|4294901757|gpu",
  "7|6|0|ailab-x|RUNNING|None|vm|2026-11-24T10:12:00|2026-11-24T10:13:00|4294901757|debug",
  "",
].join("\n");

test("squeue lines become rows with array indexes, reasons and nulls for N/A", () => {
  const rows = parseSqueue(OUTPUT);
  assert.equal(rows.length, 6);
  assert.deepEqual(rows[0], {
    jobId: "1", arrayJobId: "1", arrayIndex: null, name: "ailab-t1", state: "COMPLETED", reason: null,
    node: "vm", startTime: "2026-11-24T10:10:59", endTime: "2026-11-24T10:11:04", priority: 4294901759, partition: "gpu",
  });
  assert.equal(rows[1]!.arrayIndex, 0);
  assert.equal(rows[3]!.reason, "Priority");
  assert.equal(rows[3]!.node, null);
});

test("place in line counts pending jobs of the same partition by priority, an array once", () => {
  const rows = parseSqueue(OUTPUT);
  assert.equal(placeInLine(rows, "6"), 1);
  assert.equal(placeInLine(rows, "4"), 2);
  assert.equal(placeInLine(rows, "5"), 3);
  assert.equal(placeInLine(rows, "1"), null);
});

test("unknown states fall back to UNKNOWN; sacct's decorations are dropped", () => {
  assert.equal(parseSlurmState("CANCELLED by 0"), "CANCELLED");
  assert.equal(parseSlurmState("RUNNING+"), "RUNNING");
  assert.equal(parseSlurmState("SOMETHING_NEW"), "UNKNOWN");
});

test("ordinals", () => {
  assert.deepEqual([1, 2, 3, 4, 11, 12, 13, 21, 22, 103].map(ordinal), ["1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "103rd"]);
});
