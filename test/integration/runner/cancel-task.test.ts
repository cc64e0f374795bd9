import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { publishProject, sendToRunner, taskToml } from "../../helpers/runner-project.js";
import { createRunnerWorld, TEST_RUNNER, TEST_SECRET } from "../../helpers/runner-world.js";

/** Live processes in process group `pgid`, as `ps` sees them. */
function processesInGroup(pgid: number): number[] {
  return execFileSync("ps", ["-e", "-o", "pid=,pgid=,stat="], { encoding: "utf8" })
    .split("\n")
    .map((line) => line.trim().split(/\s+/))
    .filter(([, group, stat]) => Number(group) === pgid && !stat?.startsWith("Z"))
    .map(([pid]) => Number(pid));
}

/** The process group of the process running exactly `args`, or 0. */
function groupOf(args: string): number {
  const line = execFileSync("ps", ["-e", "-o", "pgid=,args="], { encoding: "utf8" })
    .split("\n")
    .find((l) => l.trim().replace(/^\d+\s+/, "") === args);
  return line ? Number(line.trim().split(/\s+/)[0]) : 0;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.startsWith("Z");
  } catch {
    return false;
  }
}

test("cancel stops a queued task before it runs and a running one with every process it started", async (t) => {
  const world = await createRunnerWorld(t);
  const project = await publishProject(t, world.store, {
    "task.toml": taskToml(["sleep 300 & echo started child", "sleep 301"]),
  });
  await world.start({ maxJobs: "1", cancelGraceMs: "500" });
  const long = project.submit();
  const queued = project.submit();
  await sendToRunner(world.store, TEST_SECRET, TEST_RUNNER, long);
  await sendToRunner(world.store, TEST_SECRET, TEST_RUNNER, queued);
  await world.inbox.until(() => world.inbox.events(long.taskId).some((e) => e.state === "running"), 60_000, "the long task to run");
  await world.inbox.until(() => world.inbox.events(queued.taskId).length > 0, 10_000, "the second task to queue");

  await sendToRunner(world.store, TEST_SECRET, TEST_RUNNER, { kind: "cancel", taskId: queued.taskId, reason: "by alice" });
  const queuedDone = await world.inbox.completion(queued.taskId);
  assert.equal(queuedDone.state, "cancelled");
  assert.equal(queuedDone.description, "cancelled: by alice");
  assert.deepEqual(world.inbox.events(queued.taskId).map((e) => e.state), ["queued"]);
  assert.equal(world.inbox.completions(long.taskId).length, 0, "the long task still runs");

  let pgid = 0;
  for (let i = 0; i < 100 && !pgid; i++, await sleep(50)) pgid = groupOf("sleep 301");
  assert.equal(processesInGroup(pgid).length >= 2, true, "the job and its background child run");
  await sendToRunner(world.store, TEST_SECRET, TEST_RUNNER, { kind: "cancel", taskId: long.taskId, reason: "branch deleted" });
  const longDone = await world.inbox.completion(long.taskId);
  assert.equal(longDone.state, "cancelled");
  assert.equal(longDone.description, "cancelled: branch deleted");
  assert.equal(Number(longDone.runCard.jobId), pgid, "the job id is its process group");
  assert.deepEqual(processesInGroup(pgid), [], "no process of the job is left");
});

test("cancel stops a task while its environment builds, and uv with it", async (t) => {
  const world = await createRunnerWorld(t);
  const project = await publishProject(t, world.store, { "task.toml": taskToml(["true"]) });
  const fakeUv = join(world.root, "slow-uv");
  const pidFile = join(world.root, "uv.pid");
  writeFileSync(fakeUv, `#!/bin/bash\nif [ "$1" = --version ]; then echo "uv 0.0.0-slow"; exit 0; fi\nif [ "$1" = python ]; then echo "[]"; exit 0; fi\necho $$ > ${pidFile}\nexec sleep 300\n`, { mode: 0o755 });
  await world.start({ uv: fakeUv });
  const submit = project.submit();
  await sendToRunner(world.store, TEST_SECRET, TEST_RUNNER, submit);
  await world.inbox.until(() => world.inbox.events(submit.taskId).some((e) => e.state === "building"), 30_000, "the build");
  let uvPid = 0;
  for (let i = 0; i < 200 && !uvPid; i++, await sleep(50)) uvPid = Number(readFileOr(pidFile));
  assert.ok(isRunning(uvPid), "uv sync is running");

  await sendToRunner(world.store, TEST_SECRET, TEST_RUNNER, { kind: "cancel", taskId: submit.taskId, reason: "" });
  const done = await world.inbox.completion(submit.taskId);
  assert.equal(done.state, "cancelled");
  assert.equal(done.runCard.startedAt, null, "the job never started");
  for (let i = 0; i < 100 && isRunning(uvPid); i++) await sleep(50);
  assert.equal(isRunning(uvPid), false, "uv was stopped");
});

test("a cancel that arrives before its submit makes the submit end cancelled without running", async (t) => {
  const world = await createRunnerWorld(t);
  const project = await publishProject(t, world.store, { "task.toml": taskToml(["touch ran"], { results: ["ran"] }) });
  await world.start();
  const submit = project.submit();
  await sendToRunner(world.store, TEST_SECRET, TEST_RUNNER, { kind: "cancel", taskId: submit.taskId, reason: "superseded" });
  await sleep(300);
  await sendToRunner(world.store, TEST_SECRET, TEST_RUNNER, submit);
  const done = await world.inbox.completion(submit.taskId);
  assert.equal(done.state, "cancelled");
  assert.equal(done.description, "cancelled: superseded");
  assert.deepEqual(world.inbox.events(submit.taskId), []);
  assert.deepEqual(done.artifacts.map((a) => a.name), ["run.json"]);
});

function readFileOr(path: string): string {
  try {
    return readFileSync(path, "utf8").trim();
  } catch {
    return "";
  }
}
