import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { RunCard } from "../../../core/protocol/messages.js";
import { readArchive, artifactBytes } from "../../helpers/runner-artifacts.js";
import { publishProject, sendToRunner, taskToml } from "../../helpers/runner-project.js";
import { createRunnerWorld, TEST_RUNNER, TEST_SECRET } from "../../helpers/runner-world.js";

const TRAIN = [
  "mkdir -p output logs",
  "echo 42 > output/answer.txt",
  "ln -s /etc/passwd output/passwd",
  "echo train-log > logs/train.log",
  "python -c 'import sys; print(\"python in\", sys.prefix)'",
  "echo 'Epoch 5/100'",
];

test("a task runs in a uv-built environment, built once and reused, and its results come back without links", async (t) => {
  const world = await createRunnerWorld(t);
  const project = await publishProject(t, world.store, { "task.toml": taskToml(TRAIN, { results: ["output"], logs: ["logs"] }) });
  await world.start();

  const first = project.submit();
  await sendToRunner(world.store, TEST_SECRET, TEST_RUNNER, first);
  const done = await world.inbox.completion(first.taskId);

  assert.equal(done.state, "success", done.description);
  assert.equal(done.exitCode, 0);
  assert.deepEqual(done.artifacts.map((a) => a.name).sort(), ["logs.tar.gz", "results.tar.gz", "run.json"]);
  const states = world.inbox.events(first.taskId).map((e) => e.state);
  assert.deepEqual(states.slice(0, 3), ["queued", "building", "running"]);
  assert.deepEqual(world.inbox.events(first.taskId).map((e) => e.seq), states.map((_, i) => i));
  assert.equal(world.inbox.events(first.taskId)[1]!.description, "building environment");

  const results = await readArchive(world.store, done, "results.tar.gz", world.root);
  assert.deepEqual([...results.keys()], ["output/answer.txt"]);
  assert.equal(results.get("output/answer.txt"), "42\n");
  const logs = await readArchive(world.store, done, "logs.tar.gz", world.root);
  assert.equal(logs.get("logs/train.log"), "train-log\n");
  const envs = join(world.dataDir, "envs");
  // The job's own venv, over the shared environment in envs/.
  assert.match(logs.get("job.log") ?? "", new RegExp(`python in ${join(world.dataDir, "jobs", first.taskId, "venv")}\n`));
  const card = RunCard.parse(JSON.parse((await artifactBytes(world.store, done, "run.json")).toString("utf8")));
  assert.equal(card.exitCode, 0);
  assert.equal(card.scheduler, "local");
  assert.equal(card.commit, first.commit);

  const jobDir = join(world.dataDir, "jobs", first.taskId);
  assert.equal(existsSync(join(jobDir, "project")), false, "the project copy is gone once the results are up");
  assert.ok(existsSync(join(world.dataDir, "runner-files", first.taskId, "job.log")), "the runner's files stay, beside the job's folder");
  assert.equal(existsSync(join(jobDir, "job.log")), false, "nothing of the runner's is in the job's folder");

  const [envKey, ...others] = readdirSync(envs);
  assert.deepEqual(others, []);
  const builtAt = statSync(join(envs, envKey!, "ready")).mtimeMs;

  const second = project.submit();
  await sendToRunner(world.store, TEST_SECRET, TEST_RUNNER, second);
  assert.equal((await world.inbox.completion(second.taskId)).state, "success");
  assert.equal(world.inbox.events(second.taskId)[1]!.description, "using cached environment", "the status does not claim a build");
  assert.deepEqual(readdirSync(envs), [envKey]);
  assert.equal(statSync(join(envs, envKey!, "ready")).mtimeMs, builtAt, "the environment was not built again");
});

test("a running job reports its elapsed time and last log line as it changes", async (t) => {
  const world = await createRunnerWorld(t);
  const project = await publishProject(t, world.store, {
    "task.toml": taskToml(["echo 'Epoch 1/3'", "sleep 1", "printf 'Epoch 2/3\\n\\n'", "sleep 1", "echo 'Epoch 3/3'", "sleep 1"]),
  });
  await world.start();
  const submit = project.submit();
  await sendToRunner(world.store, TEST_SECRET, TEST_RUNNER, submit);
  assert.equal((await world.inbox.completion(submit.taskId)).state, "success");
  const running = world.inbox.events(submit.taskId).filter((e) => e.state === "running").map((e) => e.description);
  assert.equal(running[0], "running 0:00:00");
  for (const epoch of [2, 3]) assert.ok(running.some((d) => new RegExp(`^running 0:00:0\\d · Epoch ${epoch}/3$`).test(d)), running.join("\n"));
  assert.equal(new Set(running).size, running.length, "no event repeats the one before");
});

test("a sweep on the local executor runs every combination in turn, each in its own project copy; results and logs come back under each run's index", async (t) => {
  const world = await createRunnerWorld(t);
  const sweep = '[sweep]\nlr = [0.1, 0.01]\nseed = "1..2"';
  const commands = ["mkdir -p output", "echo lr={lr} seed={seed} > output/params.txt", "test ! -e output/seen-before", "touch output/seen-before", "echo run lr={lr} seed={seed}", "sleep 0.3"];
  const ok = await publishProject(t, world.store, { "task.toml": taskToml(commands, { results: ["output"], extra: sweep }) });
  const failing = await publishProject(t, world.store, { "task.toml": taskToml(["test {seed} = 1 || exit 4", ...commands], { results: ["output"], extra: sweep }) });
  await world.start();
  const good = ok.submit();
  const bad = failing.submit();
  await sendToRunner(world.store, TEST_SECRET, TEST_RUNNER, good);
  await sendToRunner(world.store, TEST_SECRET, TEST_RUNNER, bad);

  const goodDone = await world.inbox.completion(good.taskId);
  assert.equal(goodDone.state, "success", goodDone.description);
  assert.match(goodDone.description, /^completed in \d+:\d\d:\d\d · 4 runs$/);
  const params = ["lr=0.1 seed=1", "lr=0.1 seed=2", "lr=0.01 seed=1", "lr=0.01 seed=2"];
  const results = await readArchive(world.store, goodDone, "results.tar.gz", world.root);
  for (const [index, p] of params.entries()) assert.equal(results.get(`${index}/output/params.txt`), `${p}\n`, `run ${index}'s own result`);
  assert.equal([...results.keys()].filter((name) => name.endsWith("params.txt")).length, 4);
  const logs = await readArchive(world.store, goodDone, "logs.tar.gz", world.root);
  for (const [index, p] of params.entries()) assert.match(logs.get(`${index}/job.log`) ?? "", new RegExp(`^run ${p}$`, "m"));
  assert.deepEqual(goodDone.runCard.runs?.map((r) => [r.index, r.exitCode]), [[0, 0], [1, 0], [2, 0], [3, 0]]);
  assert.deepEqual(goodDone.runCard.runs?.[2]?.parameters, { lr: 0.01, seed: 1 });

  const badDone = await world.inbox.completion(bad.taskId);
  assert.equal(badDone.state, "failure");
  assert.equal(badDone.description, "2 of 4 runs failed");
  assert.equal(badDone.exitCode, 4);
  assert.deepEqual(badDone.runCard.runs?.map((r) => r.exitCode), [0, 4, 0, 4]);
  const badResults = await readArchive(world.store, badDone, "results.tar.gz", world.root);
  assert.deepEqual([...badResults.keys()].filter((name) => name.endsWith("params.txt")).sort(), ["0/output/params.txt", "2/output/params.txt"], "the runs that could went on");
  const progress = world.inbox.events(bad.taskId).filter((e) => e.state === "running").map((e) => e.description);
  assert.ok(progress.some((d) => /^running \d+:\d\d:\d\d · \d of 4 done, [12] failed$/.test(d)), progress.join("\n"));
});
