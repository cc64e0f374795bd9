import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import { newTaskId } from "../../../core/ids.js";
import { silentLogger } from "../../../core/logger.js";
import { renderBatchScript } from "../../../core/sbatch/render-batch-script.js";
import { parseTaskFile } from "../../../core/task/parse-task-file.js";
import { runProcess } from "../../../runner-agent/process-runner.js";
import type { JobHandle, JobSpec } from "../../../runner-agent/scheduler.js";
import { SlurmScheduler, type SlurmJobStatus } from "../../../runner-agent/slurm/slurm-scheduler.js";
import { requireSlurm, scancelByPrefix } from "../../helpers/slurm-cluster.js";
import { tempDir } from "../../helpers/temp-dir.js";

// Real sbatch, squeue and scancel against the one-node test cluster
// (two fake a100 GPUs) that scripts/slurm-test-cluster.sh starts.

const scheduler = new SlurmScheduler({ run: runProcess, log: silentLogger, env: { PATH: process.env.PATH ?? "/usr/bin:/bin" } });

async function makeJob(t: TestContext, toml: string): Promise<JobSpec> {
  const dir = await tempDir(t, "ailab-slurm-");
  const taskId = newTaskId();
  const task = parseTaskFile(toml, { file: "task.toml", branch: "ailab/slurm-test" });
  const projectDir = join(dir, "project");
  await mkdir(projectDir);
  const paths = { projectDir, envDir: join(dir, "env"), logFile: join(dir, "job.log"), exitCodeFile: join(dir, "exit-code") };
  const scriptPath = join(dir, "job.sh");
  await writeFile(scriptPath, renderBatchScript({ taskId, user: "alice", task, scheduler: "slurm", paths }));
  t.after(() => scancelByPrefix(`ailab-${taskId}`));
  return { taskId, scriptPath, logFile: paths.logFile, exitCodeFile: paths.exitCodeFile, cwd: projectDir, env: {} };
}

async function pollUntil(handles: JobHandle[], done: (s: Map<string, SlurmJobStatus>) => boolean, timeoutMs = 120_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const states = await scheduler.poll(handles);
    if (done(states)) return states;
    if (Date.now() > until) throw new Error(`timed out; last states ${JSON.stringify([...states])}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

const gpuTask = (seconds: number, extra = "") => `
[resources]
gpus = 1
cpus = 1
memory = "100M"
time_limit = "0:05:00"
${extra}
[run]
command = "echo gpu=$CUDA_VISIBLE_DEVICES node=$SLURMD_NODENAME; sleep ${seconds}"
`;

test("three one-GPU jobs on a two-GPU node: two run, one waits for Resources, all succeed", async (t) => {
  if (!requireSlurm(t)) return;
  const jobs = await Promise.all([makeJob(t, gpuTask(6)), makeJob(t, gpuTask(6)), makeJob(t, gpuTask(6))]);
  const handles: JobHandle[] = [];
  for (const job of jobs) handles.push(await scheduler.submit(job));
  const waiting = await pollUntil(handles, (s) => [...s.values()].filter((x) => x.state === "running").length === 2);
  const pending = [...waiting.values()].filter((x) => x.state === "pending");
  assert.equal(pending.length, 1);
  assert.match(pending[0]!.reason ?? "", /^Resources · 1st in line$/);

  const ended = await pollUntil(handles, (s) => [...s.values()].every((x) => x.state === "done"));
  for (const status of ended.values()) {
    assert.equal(status.exitCode, 0);
    assert.ok(status.node, "the node the job ran on is known");
  }
});

test("submitting the same task again finds the job by name instead of submitting twice", async (t) => {
  if (!requireSlurm(t)) return;
  const job = await makeJob(t, gpuTask(3));
  const first = await scheduler.submit(job);
  const second = await scheduler.submit(job);
  assert.equal(second.jobId, first.jobId);
  const named = spawnSync("squeue", ["-h", "-t", "all", "--name", `ailab-${job.taskId}`, "-o", "%A"], { encoding: "utf8" });
  assert.equal(named.stdout.trim().split("\n").length, 1, "Slurm saw one job");
});

test("a cancelled running job is gone from squeue's active jobs and ends as cancelled", async (t) => {
  if (!requireSlurm(t)) return;
  const job = await makeJob(t, gpuTask(300));
  const handle = await scheduler.submit(job);
  await pollUntil([handle], (s) => s.get(job.taskId)?.state === "running");
  await scheduler.cancel(handle);
  const ended = await pollUntil([handle], (s) => s.get(job.taskId)?.state === "done", 30_000);
  assert.equal(ended.get(job.taskId)?.cancelled, true);
  const active = spawnSync("squeue", ["-h", "--name", `ailab-${job.taskId}`, "-o", "%A"], { encoding: "utf8" });
  assert.equal(active.stdout.trim(), "");
});

test("a job past its time limit ends as timed out", async (t) => {
  if (!requireSlurm(t)) return;
  const job = await makeJob(t, gpuTask(600).replace('time_limit = "0:05:00"', 'time_limit = "1"'));
  const handle = await scheduler.submit(job);
  const ended = await pollUntil([handle], (s) => s.get(job.taskId)?.state === "done", 180_000);
  assert.equal(ended.get(job.taskId)?.timedOut, true);
});
