// Golden files: the batch scripts rendered for a reference task (one run)
// and for a reference sweep (one job array) must equal
// test/golden/sbatch-reference.sh and test/golden/sbatch-array-reference.sh byte for byte
// (the first again in a bwrap sandbox: test/golden/sbatch-sandbox-reference.sh). After an intended change to
// templates/sbatch.hbs or the renderer, regenerate it and review the diff:
//   npm run build && UPDATE_GOLDEN=1 node --test dist/test/unit/sbatch/sbatch-golden.test.js
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../../../core/package-root.js";
import { renderBatchScript } from "../../../core/sbatch/render-batch-script.js";
import { parseTaskFile } from "../../../core/task/parse-task-file.js";
import { hasCode } from "../../../core/errors.js";
import { bwrapArgs } from "../../../runner-agent/sandbox/bwrap-args.js";

const REFERENCE_TASK = `
[task]
name = "train_resnet"
description = "ResNet50 on a subset"

[resources]
gpus = 2
gpu_type = "a100"
cpus = 8
memory = "32G"
time_limit = "1-04:00:00"
partition = "gpu"

[environment]
env = { WANDB_MODE = "offline", MESSAGE = "it's $HOME" }

[run]
workdir = "src"
commands = ["python prep.py", "python train.py --lr {lr} --out results/{task_id}"]

[sweep]
lr = [0.1, 0.01]
`;

test("the rendered reference script matches test/golden/sbatch-reference.sh", () => {
  const task = parseTaskFile(REFERENCE_TASK, { file: "task.toml", branch: "ailab/train_resnet" });
  const script = renderBatchScript({
    taskId: "mfz3k2a1b0-7f2k",
    user: "alice",
    task,
    scheduler: "slurm",
    sweepIndex: 1,
    paths: referencePaths("mfz3k2a1b0-7f2k"),
  });
  assertGolden("sbatch-reference.sh", script);
});

const SWEEP_TASK = `
[task]
name = "lr_sweep"

[resources]
gpus = 1
gpu_type = "a100"
cpus = 2
memory = "8G"
time_limit = "0:30:00"

[run]
commands = ["python train.py --lr {lr} --seed {seed} --run {sweep_index}", "echo 'done: {lr}'"]

[sweep]
lr = [0.1, 0.01]
seed = "1..3"
`;

test("the rendered reference sweep (one job array) matches test/golden/sbatch-array-reference.sh", () => {
  const task = parseTaskFile(SWEEP_TASK, { file: "task.toml", branch: "ailab/lr_sweep" });
  const script = renderBatchScript({
    taskId: "mfz3k2a1b0-8a3c",
    user: "bob",
    task,
    scheduler: "slurm",
    array: { runsDir: "/srv/ailab/jobs/mfz3k2a1b0-8a3c/runs", count: 6 },
    paths: referencePaths("mfz3k2a1b0-8a3c"),
  });
  assertGolden("sbatch-array-reference.sh", script);
});

test("the reference script in a bwrap sandbox matches test/golden/sbatch-sandbox-reference.sh; a sandbox list per run is required", () => {
  const task = parseTaskFile(REFERENCE_TASK, { file: "task.toml", branch: "ailab/train_resnet" });
  const paths = referencePaths("mfz3k2a1b0-7f2k");
  const sandbox = bwrapArgs({ writable: [paths.projectDir, paths.envDir], readOnly: ["/srv/ailab/envs/0f3a/venv", "/opt/uv/python/cpython-3.12.7-linux-x86_64-gnu", "/opt/uv/bin/uv"] });
  const plan = { taskId: "mfz3k2a1b0-7f2k", user: "alice", task, scheduler: "slurm" as const, sweepIndex: 1, paths, sandbox: [sandbox] };
  assertGolden("sbatch-sandbox-reference.sh", renderBatchScript(plan));
  assert.throws(() => renderBatchScript({ ...plan, sandbox: [sandbox, sandbox] }), (e) => hasCode(e, "BadBatchPlan"));
  // An admin's template from before the sandbox would run the commands unconfined: refused.
  assert.throws(() => renderBatchScript(plan, "#!/bin/bash\n{{#each commands}}bash -c {{q this}}\n{{/each}}"), (e) => hasCode(e, "BadBatchPlan"));
});

/** The runner's paths for a task in the reference layout under /srv/ailab. */
function referencePaths(taskId: string) {
  return {
    projectDir: `/srv/ailab/jobs/${taskId}/project`,
    envDir: `/srv/ailab/jobs/${taskId}/venv`,
    logFile: `/srv/ailab/jobs/${taskId}/job.log`,
    exitCodeFile: `/srv/ailab/jobs/${taskId}/exit-code`,
  };
}

/** `script` equals test/golden/<name> (rewritten first with UPDATE_GOLDEN=1). */
function assertGolden(name: string, script: string): void {
  const golden = join(packageRoot(), "test", "golden", name);
  if (process.env.UPDATE_GOLDEN === "1") writeFileSync(golden, script);
  assert.equal(script, readFileSync(golden, "utf8"));
}
