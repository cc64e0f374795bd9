import { test } from "node:test";
import assert from "node:assert/strict";
import { hasCode } from "../../../core/errors.js";
import { parseTaskFile } from "../../../core/task/parse-task-file.js";
import { readRunnerConfig } from "../../../runner-agent/runner-config.js";
import { partitionFor } from "../../../runner-agent/slurm/slurm-partitions.js";

const ENV = { AILAB_RELAY_DIR: "/r", AILAB_SECRET: "a-secret-long-enough-1234", HOME: "/h" };

test("the scheduler is local unless --scheduler or AILAB_SCHEDULER says slurm; the flag wins", () => {
  assert.equal(readRunnerConfig({}, ENV).scheduler.kind, "local");
  assert.equal(readRunnerConfig({}, { ...ENV, AILAB_SCHEDULER: "slurm" }).scheduler.kind, "slurm");
  assert.equal(readRunnerConfig({ scheduler: "local" }, { ...ENV, AILAB_SCHEDULER: "slurm" }).scheduler.kind, "local");
});

test("with Slurm --max-jobs bounds the jobs released at once (by default only the cluster's GPUs and CPUs do), and the allowed partitions come from --partitions or AILAB_PARTITIONS", () => {
  assert.equal(readRunnerConfig({ scheduler: "slurm" }, ENV).scheduler.maxJobs, Number.POSITIVE_INFINITY);
  const slurm = readRunnerConfig({ scheduler: "slurm", maxJobs: "2" }, ENV).scheduler;
  assert.equal(slurm.maxJobs, 2);
  assert.equal(slurm.partitions, undefined, "none given: asked of sinfo at start");
  assert.deepEqual(readRunnerConfig({ scheduler: "slurm", partitions: "gpu, debug" }, ENV).scheduler.partitions, ["gpu", "debug"]);
  assert.deepEqual(readRunnerConfig({ scheduler: "slurm" }, { ...ENV, AILAB_PARTITIONS: "debug" }).scheduler.partitions, ["debug"]);
  assert.equal(readRunnerConfig({ maxJobs: "2" }, ENV).scheduler.maxJobs, 2);
});

test("bad scheduler settings are quoted back with what was expected", () => {
  const cases: [Parameters<typeof readRunnerConfig>[0], NodeJS.ProcessEnv, RegExp][] = [
    [{ scheduler: "pbs" }, ENV, /--scheduler "pbs" is not valid: expected local or slurm/],
    [{}, { ...ENV, AILAB_SCHEDULER: "k8s" }, /AILAB_SCHEDULER "k8s" is not valid: expected local or slurm/],
    [{ scheduler: "slurm", partitions: "gpu,$(id)" }, ENV, /--partitions "gpu,\$\(id\)" is not valid: expected Slurm partition names/],
    [{ partitions: "gpu" }, ENV, /--partitions is for Slurm/],
  ];
  for (const [flags, env, message] of cases) {
    assert.throws(() => readRunnerConfig(flags, env), (e: unknown) => hasCode(e, "ConfigError") && message.test(e.message), message.source);
  }
});

test("a task's partition must be one the admin allows; none named goes to the admin's first, or Slurm's default", () => {
  const resources = (partition?: string) =>
    parseTaskFile(`[resources]\ngpus = 0\n${partition ? `partition = "${partition}"\n` : ""}[run]\ncommand = "true"\n`, { file: "task.toml", branch: "ailab/x" }).resources;
  const admin = { names: ["gpu", "debug"], chosenByAdmin: true };
  assert.equal(partitionFor(resources("debug"), admin), "debug");
  assert.equal(partitionFor(resources(), admin), "gpu");
  assert.equal(partitionFor(resources(), { names: ["gpu", "debug"], chosenByAdmin: false }), undefined);
  assert.throws(
    () => partitionFor(resources("bigmem"), admin),
    (e: unknown) => hasCode(e, "PartitionNotAllowed") && e.message === 'partition "bigmem" is not allowed here; allowed: gpu, debug',
  );
});
