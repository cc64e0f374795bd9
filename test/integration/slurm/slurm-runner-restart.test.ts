import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { hasCode } from "../../../core/errors.js";
import { silentLogger } from "../../../core/logger.js";
import { newTaskId } from "../../../core/ids.js";
import { runProcess } from "../../../runner-agent/process-runner.js";
import { SlurmScheduler } from "../../../runner-agent/slurm/slurm-scheduler.js";
import { readArchive } from "../../helpers/runner-artifacts.js";
import { publishProject, sendToRunner, taskToml } from "../../helpers/runner-project.js";
import { createRunnerWorld, TEST_RUNNER, TEST_SECRET, type RunnerWorld } from "../../helpers/runner-world.js";
import { requireSlurm, scancelByPrefix } from "../../helpers/slurm-cluster.js";
import { slurmJobsNamed } from "../../helpers/slurm-jobs.js";
import { tempDir } from "../../helpers/temp-dir.js";

// No lost or doubled jobs: `ailab-runner run --scheduler slurm` as a real
// child process, killed with SIGKILL around sbatch, then started again.

const MAIN = join(dirname(fileURLToPath(import.meta.url)), "../../../runner-agent/main.js");

function spawnRunner(world: RunnerWorld, path?: string): { child: ChildProcess; output: () => string } {
  const { args, env } = world.commandLine();
  const child = spawn(process.execPath, [MAIN, "run", ...args, "--scheduler", "slurm"], {
    env: path ? { ...env, PATH: path } : env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr.on("data", (c: Buffer) => (output += c.toString()));
  return { child, output: () => output };
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGKILL");
  await once(child, "exit");
}

/** The task's row as the killed runner left it. */
function taskRow(world: RunnerWorld, taskId: string): { state: string; handle: { jobId: string | null } | null } {
  const db = new Database(join(world.dataDir, "runner.db"), { readonly: true });
  try {
    const row = db.prepare("SELECT state, job_handle FROM tasks WHERE id = ?").get(taskId) as { state: string; job_handle: string | null };
    return { state: row.state, handle: row.job_handle === null ? null : (JSON.parse(row.job_handle) as { jobId: string | null }) };
  } finally {
    db.close();
  }
}

/** After the completion: one completion (a second, if one were coming, would be here by now), one job in Slurm, the job's output back. */
async function assertRanOnce(world: RunnerWorld, taskId: string, output: () => string): Promise<void> {
  const done = await world.inbox.completion(taskId, 120_000);
  assert.equal(done.state, "success", `${done.description}\n${output()}`);
  assert.equal((await readArchive(world.store, done, "results.tar.gz", world.root)).get("output/done.txt"), "after\n");
  await sleep(1500);
  await world.inbox.read();
  assert.equal(world.inbox.completions(taskId).length, 1, "reported once");
  const jobs = slurmJobsNamed(`ailab-${taskId}`);
  assert.equal(jobs.length, 1, `Slurm saw one job: ${JSON.stringify(jobs)}`);
  assert.equal(jobs[0]!.arrayJobId, done.runCard.jobId);
  assert.equal(jobs[0]!.state, "COMPLETED");
}

const TASK = taskToml(["mkdir -p output", "echo before", "sleep 4", "echo after > output/done.txt"], { results: ["output"] });

test("the runner killed with SIGKILL just after sbatch returns, then started again: the job completes, is reported once, and Slurm saw one job", async (t) => {
  if (!requireSlurm(t)) return;
  const world = await createRunnerWorld(t);
  const project = await publishProject(t, world.store, { "task.toml": TASK });
  const submit = project.submit();
  t.after(() => scancelByPrefix(`ailab-${submit.taskId}`));
  const first = spawnRunner(world);
  t.after(() => kill(first.child));
  await sendToRunner(world.store, TEST_SECRET, TEST_RUNNER, submit);

  // Watch Slurm, not the runner: the moment the job exists, the runner dies.
  const deadline = Date.now() + 90_000;
  while (slurmJobsNamed(`ailab-${submit.taskId}`).length === 0) {
    assert.ok(Date.now() < deadline, `the job reached Slurm\n${first.output()}`);
    await sleep(5);
  }
  await kill(first.child);
  const left = taskRow(world, submit.taskId);
  t.diagnostic(`killed with the task ${left.state}, handle ${JSON.stringify(left.handle)}`);
  assert.ok(["building", "running"].includes(left.state));

  const second = spawnRunner(world);
  t.after(() => kill(second.child));
  await assertRanOnce(world, submit.taskId, second.output);
  second.child.kill("SIGTERM");
  const [code] = (await once(second.child, "exit")) as [number | null];
  assert.equal(code, 0, second.output());
});

test("a runner killed while sbatch hangs after submitting left the task marked 'submitting'; the next one finds the job by name instead of submitting again", async (t) => {
  if (!requireSlurm(t)) return;
  const world = await createRunnerWorld(t);
  const project = await publishProject(t, world.store, { "task.toml": TASK });
  const submit = project.submit();
  t.after(() => scancelByPrefix(`ailab-${submit.taskId}`));
  // An sbatch that submits, then never answers.
  const bin = join(world.root, "bin");
  const pidFile = join(world.root, "sbatch.pid");
  mkdirSync(bin);
  writeFileSync(join(bin, "sbatch"), `#!/bin/bash\necho $$ > '${pidFile}'\n/usr/bin/sbatch "$@" > /dev/null\nexec sleep 300\n`, { mode: 0o755 });
  const first = spawnRunner(world, `${bin}:${process.env.PATH ?? "/usr/bin:/bin"}`);
  t.after(() => kill(first.child));
  await sendToRunner(world.store, TEST_SECRET, TEST_RUNNER, submit);

  const deadline = Date.now() + 90_000;
  while (slurmJobsNamed(`ailab-${submit.taskId}`).length === 0) {
    assert.ok(Date.now() < deadline, `the job reached Slurm\n${first.output()}`);
    await sleep(20);
  }
  await kill(first.child);
  process.kill(Number(readFileSync(pidFile, "utf8")), "SIGKILL");
  const left = taskRow(world, submit.taskId);
  assert.equal(left.state, "building");
  assert.equal(left.handle?.jobId, null, "recorded as being submitted before sbatch was called");

  const second = spawnRunner(world);
  t.after(() => kill(second.child));
  await assertRanOnce(world, submit.taskId, second.output);
  assert.match(second.output(), /job found that the last runner submitted/);
});

test("an sbatch that does not answer in time is looked up by name: submitted, that is the job; not submitted, the step is tried again later", async (t) => {
  if (!requireSlurm(t)) return;
  const dir = await tempDir(t, "ailab-sbatch-");
  const bin = join(dir, "bin");
  mkdirSync(bin);
  const script = join(dir, "job.sh");
  writeFileSync(script, "#!/bin/bash\n#SBATCH --time=1\n#SBATCH --mem=100M\n#SBATCH --output=/dev/null\nsleep 2\n");
  const scheduler = new SlurmScheduler({ run: runProcess, log: silentLogger, env: { PATH: `${bin}:${process.env.PATH ?? "/usr/bin:/bin"}` }, sbatchTimeoutMs: 1500 });
  const job = (taskId: string) => ({ taskId, scriptPath: script, logFile: join(dir, "job.log"), exitCodeFile: join(dir, "exit-code"), cwd: dir, env: {} });

  // Submits (with the job name sbatch was meant to use), then hangs.
  writeFileSync(join(bin, "sbatch"), '#!/bin/bash\n/usr/bin/sbatch --job-name="$AILAB_FAKE_NAME" "$@" > /dev/null\nexec sleep 30\n', { mode: 0o755 });
  const submitted = newTaskId();
  t.after(() => scancelByPrefix(`ailab-${submitted}`));
  const hungScheduler = new SlurmScheduler({ run: runProcess, log: silentLogger, env: { PATH: `${bin}:${process.env.PATH ?? "/usr/bin:/bin"}`, AILAB_FAKE_NAME: `ailab-${submitted}` }, sbatchTimeoutMs: 1500 });
  const handle = await hungScheduler.submit(job(submitted));
  assert.deepEqual(slurmJobsNamed(`ailab-${submitted}`).map((j) => j.arrayJobId), [handle.jobId]);

  // Hangs without submitting.
  writeFileSync(join(bin, "sbatch"), "#!/bin/bash\nexec sleep 30\n", { mode: 0o755 });
  const lost = newTaskId();
  await assert.rejects(scheduler.submit(job(lost)), (e: unknown) => hasCode(e, "SbatchTimedOut"));
  assert.deepEqual(slurmJobsNamed(`ailab-${lost}`), []);
});
