import { test } from "node:test";
import assert from "node:assert/strict";
import { dirname } from "node:path";
import { mkdirSync, writeFileSync } from "node:fs";
import { parseTaskFile } from "../../../core/task/parse-task-file.js";
import { jobPaths, runPaths } from "../../../runner-agent/job-paths.js";
import { statusOf } from "../../../runner-agent/slurm/slurm-scheduler.js";
import { parseSqueue } from "../../../runner-agent/slurm/squeue.js";
import { readSweepRuns, sweepExitCode, sweepOutcome, sweepProgress } from "../../../runner-agent/sweep-runs.js";
import { tempDir } from "../../helpers/temp-dir.js";

// squeue lines as Slurm 22.05 printed them on the test cluster (`squeue -h -r -t all -o SQUEUE_FORMAT`).
const handle = (jobId: string, exitCodeFile = "/nonexistent/exit-code") => ({ taskId: "t", scheduler: "slurm" as const, jobId, exitCodeFile });

test("a job array: running while any element runs, pending with the reason and place while the rest wait, done with the elements that completed", () => {
  const running = parseSqueue("130|129|0|ailab-a|RUNNING|None|vm|2026-11-24T11:07:36|2026-11-24T11:17:36|4294901648|gpu\n129|129|2|ailab-a|PENDING|Resources||N/A|N/A|4294901648|gpu\n");
  assert.equal(statusOf(handle("129"), running).state, "running");
  const waiting = parseSqueue("131|129|1|ailab-a|COMPLETED|None|vm|2026-11-24T11:07:36|2026-11-24T11:07:41|4294901648|gpu\n129|129|2|ailab-a|PENDING|Resources||N/A|N/A|4294901648|gpu\n129|129|3|ailab-a|PENDING|Resources||N/A|N/A|4294901648|gpu\n");
  assert.deepEqual(statusOf(handle("129"), waiting), { state: "pending", reason: "Resources · 1st in line" });
  const ended = parseSqueue(
    "131|129|1|ailab-a|COMPLETED|None|vm|2026-11-24T11:07:36|2026-11-24T11:07:41|4294901648|gpu\n132|129|0|ailab-a|FAILED|NonZeroExitCode|vm|2026-11-24T11:07:36|2026-11-24T11:07:50|4294901648|gpu\n",
  );
  const done = statusOf(handle("129"), ended);
  assert.equal(done.state, "done");
  assert.deepEqual(done.completedIndexes, [1]);
  assert.equal(done.node, "vm");
  assert.equal(done.startedAt, new Date("2026-11-24T11:07:36").toISOString(), "squeue's local time, as ISO 8601");
  assert.equal(done.endedAt, new Date("2026-11-24T11:07:50").toISOString(), "the last element's end");
});

test("a plain job: a pending one has no start time yet (Slurm's is an estimate); timed out and cancelled are told apart", () => {
  const pending = statusOf(handle("5"), parseSqueue("5|5|N/A|ailab-b|PENDING|Priority||2026-11-24T12:00:00|N/A|4294901755|gpu\n"));
  assert.deepEqual(pending, { state: "pending", reason: "Priority · 1st in line" });
  const timedOut = statusOf(handle("6"), parseSqueue("6|6|N/A|ailab-c|TIMEOUT|TimeLimit|vm|2026-11-24T11:00:00|2026-11-24T11:01:00|1|gpu\n"));
  assert.equal(timedOut.timedOut, true);
  assert.equal(timedOut.cancelled, false);
  const cancelled = statusOf(handle("7"), parseSqueue("7|7|N/A|ailab-d|CANCELLED|None|vm|2026-11-24T11:00:00|2026-11-24T11:00:10|1|gpu\n"));
  assert.equal(cancelled.cancelled, true);
});

test("a sweep's runs: progress counts ended and failed runs; it succeeds only if every run did", async (t) => {
  const root = await tempDir(t);
  const task = parseTaskFile('[run]\ncommand = "echo {lr}"\n[sweep]\nlr = [1, 2, 3]\n', { file: "task.toml", branch: "ailab/x" });
  const paths = jobPaths(root, "01m86kryf4-68yj");
  const record = (index: number, code: string) => {
    mkdirSync(dirname(runPaths(paths, index).exitCodeFile), { recursive: true });
    writeFileSync(runPaths(paths, index).exitCodeFile, code);
  };
  assert.equal(sweepProgress(readSweepRuns(task, paths)), "0 of 3 done");
  record(0, "0\n");
  record(2, "3\n");
  const runs = readSweepRuns(task, paths);
  assert.deepEqual(runs.map((r) => [r.parameters, r.exitCode]), [[{ lr: 1 }, 0], [{ lr: 2 }, undefined], [{ lr: 3 }, 3]]);
  assert.equal(sweepProgress(runs), "2 of 3 done, 1 failed");
  assert.deepEqual(sweepOutcome(runs, ""), { state: "failure", description: "2 of 3 runs failed" }, "a run that recorded nothing failed");
  assert.equal(sweepExitCode(runs), null, "the first failed run recorded no code");
  const seenBySlurm = readSweepRuns(task, paths, [1]);
  assert.equal(seenBySlurm[1]!.exitCode, 0, "Slurm saw it complete; its file is not visible yet");
  assert.equal(sweepExitCode(seenBySlurm), 3);
  record(1, "0\n");
  record(2, "0\n");
  assert.deepEqual(sweepOutcome(readSweepRuns(task, paths), " in 0:01:00"), { state: "success", description: "completed in 0:01:00 · 3 runs" });
  assert.deepEqual(readSweepRuns(parseTaskFile('[run]\ncommand = "true"\n', { file: "task.toml", branch: "ailab/x" }), paths), []);
});
