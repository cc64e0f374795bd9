import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { arrayRunPaths } from "../../../core/sbatch/array-runs.js";
import { renderBatchScript } from "../../../core/sbatch/render-batch-script.js";
import { hasCode } from "../../../core/errors.js";
import { parseTaskFile } from "../../../core/task/parse-task-file.js";
import { createBatchFixture, type BatchFixture } from "../../helpers/batch-fixture.js";

// A sweep is one job array script; each element picks its run from
// SLURM_ARRAY_TASK_ID (Slurm) or AILAB_RUN_INDEX (the local executor).
// These run the script with real bash as either would.

function task(toml: string) {
  return parseTaskFile(toml, { file: "task.toml", branch: "ailab/demo" });
}

const SWEEP = '[run]\nworkdir = "src"\ncommands = ["echo lr={lr} seed={seed} index={sweep_index} env=$AILAB_SWEEP_INDEX", "mkdir -p output && echo {lr} > output/lr.txt", "test {seed} != 2"]\n[sweep]\nlr = [0.1, 0.01]\nseed = "1..2"\n';

/** Lays out the runs' project copies and writes the array script; returns how to run one element. */
function arrayJob(f: BatchFixture, toml: string, count: number) {
  const runsDir = join(f.root, "runs");
  for (let i = 0; i < count; i++) mkdirSync(join(arrayRunPaths(runsDir, i).projectDir, "src"), { recursive: true });
  const script = join(f.root, "job.sh");
  writeFileSync(script, renderBatchScript(f.plan(task(toml), { array: { runsDir, count } })));
  return {
    runsDir,
    run: (env: Record<string, string>) => spawnSync("bash", [script], { encoding: "utf8", env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env } }),
  };
}

test("each element of the array runs its own parameters in its own project copy and records its own exit code", async (t) => {
  const f = await createBatchFixture(t);
  const job = arrayJob(f, SWEEP, 4);
  for (let i = 0; i < 4; i++) {
    const out = job.run(i % 2 === 0 ? { SLURM_ARRAY_TASK_ID: String(i) } : { AILAB_RUN_INDEX: String(i) });
    const at = arrayRunPaths(job.runsDir, i);
    const lr = i < 2 ? "0.1" : "0.01";
    const seed = (i % 2) + 1;
    assert.match(out.stdout, new RegExp(`^lr=${lr} seed=${seed} index=${i} env=${i}$`, "m"), out.stderr);
    assert.equal(readFileSync(join(at.projectDir, "src", "output", "lr.txt"), "utf8"), `${lr}\n`);
    assert.equal(out.status, seed === 2 ? 1 : 0);
    assert.equal(readFileSync(at.exitCodeFile, "utf8"), `${seed === 2 ? 1 : 0}\n`);
  }
  assert.ok(!existsSync(f.paths.exitCodeFile), "no job-wide exit code: each run has its own");
});

test("Slurm's index wins over AILAB_RUN_INDEX; an index outside the sweep runs nothing and exits 2", async (t) => {
  const f = await createBatchFixture(t);
  const job = arrayJob(f, SWEEP, 4);
  const both = job.run({ SLURM_ARRAY_TASK_ID: "3", AILAB_RUN_INDEX: "0" });
  assert.match(both.stdout, /^lr=0\.01 seed=2 index=3/m);
  const cases: Record<string, string>[] = [{ SLURM_ARRAY_TASK_ID: "4" }, { AILAB_RUN_INDEX: "0;touch x" }, {}];
  for (const bad of cases) {
    const out = job.run(bad);
    assert.equal(out.status, 2, JSON.stringify(bad));
    assert.match(out.stderr, /is not a run of this sweep/);
    assert.equal(out.stdout, "");
  }
});

test("commands with quotes and shell words stay one argument each in the array", async (t) => {
  const f = await createBatchFixture(t);
  const job = arrayJob(f, `[run]\ncommands = ["printf '%s|' \\"it's {x}\\" '$HOME' '\`id\`'; echo"]\n[sweep]\nx = ["a", "b"]\n`, 2);
  const out = job.run({ AILAB_RUN_INDEX: "1" });
  assert.equal(out.status, 0, out.stderr);
  assert.match(out.stdout, /^it's b\|\$HOME\|`id`\|$/m);
});

test("the #SBATCH lines of an array: its range, and one log per element under its index", async (t) => {
  const f = await createBatchFixture(t);
  const runsDir = join(f.root, "runs");
  const script = renderBatchScript(f.plan(task(SWEEP), { scheduler: "slurm", array: { runsDir, count: 4 } }));
  assert.match(script, /^#SBATCH --array=0-3$/m);
  assert.ok(script.includes(`#SBATCH --output=${runsDir}/%a/job.log\n`));
  assert.equal((script.match(/^#SBATCH --array/gm) ?? []).length, 1);
});

test("an array must cover the whole sweep, and a template without --array cannot run one", async (t) => {
  const f = await createBatchFixture(t);
  const runsDir = join(f.root, "runs");
  const sweep = task(SWEEP);
  const bad = (fn: () => unknown) => assert.throws(fn, (e: unknown) => hasCode(e, "BadBatchPlan"));
  bad(() => renderBatchScript(f.plan(sweep, { array: { runsDir, count: 3 } })));
  bad(() => renderBatchScript(f.plan(sweep, { array: { runsDir, count: 4 }, sweepIndex: 1 })));
  bad(() => renderBatchScript(f.plan(task('[run]\ncommand = "true"\n'), { array: { runsDir, count: 2 } })));
  bad(() => renderBatchScript(f.plan(sweep, { array: { runsDir, count: 4 } }), "#!/bin/bash\n#SBATCH --job-name={{sbatch jobName}}\n{{#each commands}}{{q this}}\n{{/each}}"));
});
