import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { readArchive } from "../../helpers/runner-artifacts.js";
import { publishProject, sendToRunner, taskToml } from "../../helpers/runner-project.js";
import { createRunnerWorld, TEST_RUNNER, TEST_SECRET, type RunnerWorld } from "../../helpers/runner-world.js";

const MAIN = join(dirname(fileURLToPath(import.meta.url)), "../../../runner-agent/main.js");

/** `ailab-runner run` for this world, as a real child process. */
function spawnRunner(world: RunnerWorld, more: string[] = []): { child: ChildProcess; output: () => string } {
  const { args, env } = world.commandLine();
  const child = spawn(process.execPath, [MAIN, "run", ...args, ...more], { env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr.on("data", (c: Buffer) => (output += c.toString()));
  return { child, output: () => output };
}

test("killing the runner with SIGKILL while a job runs loses nothing: the result arrives, once", async (t) => {
  const world = await createRunnerWorld(t);
  const project = await publishProject(t, world.store, {
    "task.toml": taskToml(["mkdir -p output", "echo before", "sleep 3", "echo after > output/done.txt", "echo after"], { results: ["output"] }),
  });
  const first = spawnRunner(world);
  t.after(() => first.child.kill("SIGKILL"));
  const submit = project.submit();
  await sendToRunner(world.store, TEST_SECRET, TEST_RUNNER, submit);
  await world.inbox.until(() => world.inbox.events(submit.taskId).some((e) => e.state === "running"), 60_000, "the job to run");

  first.child.kill("SIGKILL");
  await once(first.child, "exit");
  await sleep(500);
  const second = spawnRunner(world);
  t.after(() => second.child.kill("SIGKILL"));

  const done = await world.inbox.completion(submit.taskId, 60_000);
  assert.equal(done.state, "success", `${done.description}\n${second.output()}`);
  const results = await readArchive(world.store, done, "results.tar.gz", world.root);
  assert.equal(results.get("output/done.txt"), "after\n");
  const log = (await readArchive(world.store, done, "logs.tar.gz", world.root)).get("job.log") ?? "";
  assert.match(log, /before[\s\S]*after/);

  await sleep(1000); // a second completion, if one were coming, would be here by now
  await world.inbox.read();
  assert.equal(world.inbox.completions(submit.taskId).length, 1);
  assert.equal(world.inbox.messages.filter((m) => m.kind === "event" && m.taskId === submit.taskId && m.state === "queued").length, 1);

  second.child.kill("SIGTERM");
  const [code] = (await once(second.child, "exit")) as [number | null];
  assert.equal(code, 0, second.output());
});

test("a runner killed while it builds an environment builds it again at the next start, and the task runs once", async (t) => {
  const world = await createRunnerWorld(t);
  const project = await publishProject(t, world.store, { "task.toml": taskToml(["echo ran"]) });
  // uv whose first sync hangs (the runner is killed there); later calls are the real uv.
  const mark = join(world.root, "hung-once");
  const pidFile = join(world.root, "hung.pid");
  const uv = join(world.root, "uv-hangs-once");
  writeFileSync(uv, `#!/bin/bash\nif [ "$1" = sync ] && [ ! -e ${mark} ]; then touch ${mark}; echo $$ > ${pidFile}; exec sleep 300; fi\nexec uv "$@"\n`, { mode: 0o755 });
  const first = spawnRunner(world, ["--uv", uv]);
  t.after(() => first.child.kill("SIGKILL"));
  const submit = project.submit();
  await sendToRunner(world.store, TEST_SECRET, TEST_RUNNER, submit);
  let hung = 0;
  for (let i = 0; i < 400 && !hung; i++, await sleep(50)) hung = Number(existsSync(pidFile) ? readFileSync(pidFile, "utf8") : 0);
  assert.ok(hung > 0, `uv sync started\n${first.output()}`);
  first.child.kill("SIGKILL");
  await once(first.child, "exit");
  process.kill(hung, "SIGKILL");

  const second = spawnRunner(world, ["--uv", uv]);
  t.after(() => second.child.kill("SIGKILL"));
  const done = await world.inbox.completion(submit.taskId, 60_000);
  assert.equal(done.state, "success", `${done.description}\n${second.output()}`);
  await sleep(500);
  await world.inbox.read();
  assert.equal(world.inbox.completions(submit.taskId).length, 1);
  assert.deepEqual(world.inbox.events(submit.taskId).map((e) => e.state).slice(0, 3), ["queued", "building", "running"]);
});

test("a runner killed while it cannot upload results collects them again at the next start; one completion", async (t) => {
  const world = await createRunnerWorld(t);
  const project = await publishProject(t, world.store, { "task.toml": taskToml(["mkdir -p output", "echo 1 > output/r.txt"], { results: ["output"] }) });
  const submit = project.submit();
  // results/<task id> is a file: every upload of the task's results fails until it is gone.
  mkdirSync(join(world.relayDir, "results"), { recursive: true });
  const blocked = join(world.relayDir, "results", submit.taskId);
  writeFileSync(blocked, "in the way");
  const first = spawnRunner(world);
  t.after(() => first.child.kill("SIGKILL"));
  await sendToRunner(world.store, TEST_SECRET, TEST_RUNNER, submit);
  for (let i = 0; i < 400 && !/collect failed; will retry/.test(first.output()); i++) await sleep(50);
  assert.match(first.output(), /collect failed; will retry/);
  first.child.kill("SIGKILL");
  await once(first.child, "exit");
  rmSync(blocked);

  const second = spawnRunner(world);
  t.after(() => second.child.kill("SIGKILL"));
  const done = await world.inbox.completion(submit.taskId, 60_000);
  assert.equal(done.state, "success", `${done.description}\n${second.output()}`);
  assert.equal((await readArchive(world.store, done, "results.tar.gz", world.root)).get("output/r.txt"), "1\n");
  await sleep(500);
  await world.inbox.read();
  assert.equal(world.inbox.completions(submit.taskId).length, 1);
});
