import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { jobPaths } from "../../../runner-agent/job-paths.js";
import { readArchive } from "../../helpers/runner-artifacts.js";
import { publishProject, sendToRunner, taskToml } from "../../helpers/runner-project.js";
import { createRunnerWorld, TEST_RUNNER, TEST_SECRET, type RunnerWorld } from "../../helpers/runner-world.js";

const MAIN = join(dirname(fileURLToPath(import.meta.url)), "../../../runner-agent/main.js");

function spawnRunner(world: RunnerWorld, env: Record<string, string> = {}): ChildProcess {
  const line = world.commandLine();
  return spawn(process.execPath, [MAIN, "run", ...line.args], { env: { ...line.env, ...env }, stdio: "ignore" });
}

async function waitFor(check: () => boolean, what: string, ms = 60_000): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(50)) if (check()) return;
  throw new Error(`timed out waiting for ${what}`);
}

test("a runner killed between spawning a local job and recording it does not start the job a second time", async (t) => {
  const world = await createRunnerWorld(t);
  const project = await publishProject(t, world.store, { "task.toml": taskToml(["echo started-once", "sleep 3", "echo finished"]) });
  const submit = project.submit();
  const log = jobPaths(world.dataDir, submit.taskId).logFile;

  // The hook holds the runner for 20 s right after the spawn, before it records the job.
  const first = spawnRunner(world, { AILAB_TEST_PAUSE_AFTER_SPAWN_MS: "20000" });
  t.after(() => first.kill("SIGKILL"));
  await sendToRunner(world.store, TEST_SECRET, TEST_RUNNER, submit);
  await waitFor(() => existsSync(log) && readFileSync(log, "utf8").includes("started-once"), "the job to start");
  first.kill("SIGKILL");
  await once(first, "exit");

  const second = spawnRunner(world);
  t.after(() => second.kill("SIGKILL"));
  const done = await world.inbox.completion(submit.taskId, 90_000);
  assert.equal(done.state, "success", done.description);
  const archived = (await readArchive(world.store, done, "logs.tar.gz", world.root)).get("job.log") ?? "";
  assert.equal(archived.match(/^started-once$/gm)?.length, 1, `the job ran once:\n${archived}`);
  assert.match(archived, /finished/);
});

test("a job that ends while the runner is down is charged its own time, not the downtime", async (t) => {
  const world = await createRunnerWorld(t);
  const project = await publishProject(t, world.store, { "task.toml": taskToml(["sleep 2", "echo done"]) });
  const submit = project.submit();
  const first = spawnRunner(world);
  t.after(() => first.kill("SIGKILL"));
  await sendToRunner(world.store, TEST_SECRET, TEST_RUNNER, submit);
  await world.inbox.until(() => world.inbox.events(submit.taskId).some((e) => e.state === "running"), 60_000, "the job to run");
  first.kill("SIGKILL");
  await once(first, "exit");
  await sleep(8000); // the job ends about 2 s in; the runner stays down for 8

  const second = spawnRunner(world);
  t.after(() => second.kill("SIGKILL"));
  const done = await world.inbox.completion(submit.taskId, 60_000);
  assert.equal(done.state, "success", done.description);
  const { startedAt, endedAt } = done.runCard;
  const seconds = (Date.parse(endedAt!) - Date.parse(startedAt!)) / 1000;
  assert.ok(seconds >= 2 && seconds < 6, `the job took ${seconds} s by its run card (it sleeps 2 s; the runner was down 8 s)`);
});
