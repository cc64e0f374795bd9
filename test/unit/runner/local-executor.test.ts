import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { LocalExecutor, type LocalJobHandle } from "../../../runner-agent/local-executor.js";
import { groupMembers } from "../../../runner-agent/process-group.js";
import type { JobStatus } from "../../../runner-agent/scheduler.js";
import { tempDir } from "../../helpers/temp-dir.js";

const TASK = "0123456789-abcd";

async function job(t: Parameters<typeof tempDir>[0], script: string) {
  const dir = await tempDir(t);
  const spec = { taskId: TASK, scriptPath: join(dir, "job.sh"), logFile: join(dir, "job.log"), exitCodeFile: join(dir, "exit-code"), cwd: dir, env: { PATH: process.env.PATH ?? "/usr/bin:/bin" } };
  writeFileSync(spec.scriptPath, script.replaceAll("EXIT_FILE", spec.exitCodeFile));
  return spec;
}

async function until(executor: LocalExecutor, handle: LocalJobHandle, state: JobStatus["state"]): Promise<JobStatus> {
  for (let i = 0; i < 200; i++) {
    const status = (await executor.poll([handle])).get(TASK)!;
    if (status.state === state) return status;
    await sleep(25);
  }
  throw new Error(`job never reached ${state}`);
}

test("a job runs in its own process group; poll reports running, then done with the recorded exit code", async (t) => {
  const executor = new LocalExecutor({ cancelGraceMs: 500 });
  const spec = await job(t, "echo out; echo err >&2; sleep 0.5; echo 7 > EXIT_FILE; exit 7\n");
  const handle = await executor.submit(spec);
  t.after(() => executor.cancel(handle));
  assert.equal(handle.jobId, String(handle.pid));
  assert.match(handle.startTime ?? "", /^\d+$/);
  assert.equal((await executor.poll([handle])).get(TASK)?.state, "running");
  const done = await until(executor, handle, "done");
  assert.equal(done.state, "done");
  assert.equal(done.exitCode, 7);
  // The job's own times: spawned, and when its exit code was written (half a second later).
  const seconds = (Date.parse(done.endedAt ?? "") - Date.parse(done.startedAt ?? "")) / 1000;
  assert.ok(seconds >= 0.4 && seconds < 5, `${done.startedAt} → ${done.endedAt}`);
});

test("a job that dies without writing its exit code is done with exitCode null and a reason", async (t) => {
  const executor = new LocalExecutor({ cancelGraceMs: 500 });
  const spec = await job(t, "kill -9 $$\n");
  const handle = await executor.submit(spec);
  const status = await until(executor, handle, "done");
  assert.equal(status.exitCode, null);
  assert.equal(status.reason, "the job process ended without recording an exit code");
});

test("a live process with the job's pid but another start time is not taken for the job, and is not killed", async (t) => {
  const executor = new LocalExecutor({ cancelGraceMs: 200 });
  const spec = await job(t, "sleep 30\n");
  const real = await executor.submit(spec);
  t.after(() => executor.cancel(real));
  const reused: LocalJobHandle = { ...real, startTime: "1" };
  assert.equal((await executor.poll([reused])).get(TASK)?.state, "done");
  await executor.cancel(reused);
  assert.equal((await executor.poll([real])).get(TASK)?.state, "running", "cancelling a stale handle left the live job alone");
});

test("cancel stops the whole group, children included, even one that ignores SIGTERM", async (t) => {
  const executor = new LocalExecutor({ cancelGraceMs: 300 });
  const spec = await job(t, "bash -c 'trap \"\" TERM; sleep 30' &\nsleep 30 &\nwait\n");
  const handle = await executor.submit(spec);
  for (let i = 0; i < 100 && groupMembers(handle.pid).length < 3; i++) await sleep(20);
  assert.ok(groupMembers(handle.pid).length >= 3, "job and children run");
  await executor.cancel(handle);
  assert.deepEqual(groupMembers(handle.pid), []);
  assert.equal((await executor.poll([handle])).get(TASK)?.state, "done");
});
