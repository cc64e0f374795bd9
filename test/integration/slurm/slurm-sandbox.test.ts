import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { shellQuote } from "../../../core/sbatch/shell-quote.js";
import { jobPaths } from "../../../runner-agent/job-paths.js";
import { readArchive } from "../../helpers/runner-artifacts.js";
import { publishProject, sendToRunner, taskToml } from "../../helpers/runner-project.js";
import { createRunnerWorld, TEST_RUNNER, TEST_SECRET } from "../../helpers/runner-world.js";
import { requireSlurm, scancelByPrefix } from "../../helpers/slurm-cluster.js";

// Under Slurm one account runs the runner and every job, so only the sandbox
// the batch script puts the commands in keeps a job from the runner's state
// and from leaving processes behind. The test cluster tracks processes with
// proctrack/linuxproc, which loses a process that double-forked away from
// the job (a real cluster should use proctrack/cgroup); the sandbox's pid
// namespace ends them anyway. Run under `flock /tmp/ailab-slurm.lock`.

/** A double-forked `setsid` daemon printing a heartbeat to the job's log every 0.2 s, then `then`, in one command (one sandbox). */
function withDaemon(marker: string, then: string): string {
  return `( setsid bash -c 'while true; do echo "beat $0 $(date +%s%N)"; sleep 0.2; done' ${marker} & ) </dev/null; sleep 1; ${then}`;
}

/** Processes whose command line holds `marker` (zombies left out). */
function processesWith(marker: string): string[] {
  return execFileSync("ps", ["-e", "-o", "pid=,stat=,args="], { encoding: "utf8" })
    .split("\n")
    .filter((line) => line.includes(marker) && !/^\s*\d+\s+Z/.test(line));
}

async function survivors(marker: string): Promise<string[]> {
  for (let i = 0; i < 100 && processesWith(marker).length > 0; i++) await sleep(50);
  return processesWith(marker);
}

/** True when the log still grows a second after the job ended (a daemon that survived writes to it). */
async function stillBeating(logFile: string): Promise<boolean> {
  const before = statSync(logFile).size;
  await sleep(1000);
  return statSync(logFile).size !== before;
}

test("under Slurm a job cannot read the runner's state dir or the relay secret, and its setsid daemon ends with the job", async (t) => {
  if (!requireSlurm(t)) return;
  const world = await createRunnerWorld(t);
  const secretFile = join(world.root, "relay-secret");
  writeFileSync(secretFile, `${TEST_SECRET}\n`, { mode: 0o600 });
  const marker = `ailab-slurm-daemon-ends-${process.pid}`;
  const probe = (what: string, command: string) => `if ${command} >/dev/null 2>&1; then echo "ATTACK ${what}: WORKED"; else echo "ATTACK ${what}: denied"; fi`;
  const project = await publishProject(t, world.store, {
    "task.toml": taskToml([
      probe("read the runner db", `cat ${shellQuote(join(world.dataDir, "runner.db"))}`),
      probe("list the runner's object cache", `ls ${shellQuote(join(world.dataDir, "objects"))}`),
      probe("read the relay secret", `cat ${shellQuote(secretFile)}`),
      probe("write its own project", "touch mine"),
      withDaemon(marker, "echo job done"),
    ]),
  });
  const submit = project.submit();
  t.after(() => scancelByPrefix(`ailab-${submit.taskId}`));
  await world.start({ scheduler: "slurm", secretFile });
  await sendToRunner(world.store, TEST_SECRET, TEST_RUNNER, submit);
  const done = await world.inbox.completion(submit.taskId, 180_000);
  const log = (await readArchive(world.store, done, "logs.tar.gz", world.root)).get("job.log") ?? "";
  assert.equal(done.state, "success", `${done.description}\n${log}`);
  assert.match(log, /^ATTACK read the runner db: denied$/m, log);
  assert.match(log, /^ATTACK list the runner's object cache: denied$/m, log);
  assert.match(log, /^ATTACK read the relay secret: denied$/m, log);
  assert.match(log, /^ATTACK write its own project: WORKED$/m, log);
  assert.match(log, new RegExp(`^beat ${marker} `, "m"), "the daemon ran");
  assert.equal(log.match(/^job done$/gm)?.length, 1, log);
  assert.deepEqual(await survivors(marker), [], "no process of the job is left");
  assert.equal(await stillBeating(jobPaths(world.dataDir, submit.taskId).logFile), false, "the heartbeat stopped");
});

test("under Slurm a cancelled job (scancel) leaves no setsid daemon behind", async (t) => {
  if (!requireSlurm(t)) return;
  const world = await createRunnerWorld(t);
  const marker = `ailab-slurm-daemon-cancel-${process.pid}`;
  const project = await publishProject(t, world.store, { "task.toml": taskToml([withDaemon(marker, "sleep 300")]) });
  const submit = project.submit();
  t.after(() => scancelByPrefix(`ailab-${submit.taskId}`));
  await world.start({ scheduler: "slurm" });
  await sendToRunner(world.store, TEST_SECRET, TEST_RUNNER, submit);
  const logFile = jobPaths(world.dataDir, submit.taskId).logFile;
  await world.inbox.until(() => existsSync(logFile) && readFileSync(logFile, "utf8").includes(`beat ${marker}`), 180_000, "the daemon to beat");
  assert.ok(processesWith(marker).length > 0, "the daemon runs while the job does");

  await sendToRunner(world.store, TEST_SECRET, TEST_RUNNER, { kind: "cancel", taskId: submit.taskId, reason: "by alice" });
  assert.equal((await world.inbox.completion(submit.taskId, 120_000)).state, "cancelled");
  assert.deepEqual(await survivors(marker), [], "no process of the cancelled job is left");
  assert.equal(await stillBeating(logFile), false, "the heartbeat stopped");
});
