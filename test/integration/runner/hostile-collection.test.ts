import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import * as tar from "tar";
import { extractArchive } from "../../../cli/extract-archive.js";
import { silentLogger } from "../../../core/logger.js";
import { DEFAULT_COLLECTION_LIMITS } from "../../../runner-agent/collection-limits.js";
import { collectResults } from "../../../runner-agent/collect-results.js";
import { jobPaths } from "../../../runner-agent/job-paths.js";
import { artifactBytes } from "../../helpers/runner-artifacts.js";
import { artifactSnapshot, assertNoted, assertNowhere, plantSecret, seenTask } from "../../helpers/hostile-job.js";
import { publishProject, sendToRunner, taskToml } from "../../helpers/runner-project.js";
import { createRunnerWorld, TEST_RUNNER, TEST_SECRET, type RunnerWorld } from "../../helpers/runner-world.js";

// Two users on one runner, as with `ailab up`: bob's task runs first and must come out of alice's attack unchanged.
// The runner runs without its sandbox here: the sandbox already hides the
// runner's files from a job (hostile-job.test.ts), and the collection must
// hold on its own too, for an admin who turned the sandbox off.
const UNSANDBOXED = { sandbox: "none" } as const;

async function runTask(t: TestContext, world: RunnerWorld, user: string, commands: string[], more: Parameters<typeof taskToml>[1] = {}) {
  const project = await publishProject(t, world.store, { "task.toml": taskToml(commands, more) });
  const submit = project.submit({ user, repo: `${user}/demo` });
  await sendToRunner(world.store, TEST_SECRET, TEST_RUNNER, submit);
  return world.inbox.completion(submit.taskId);
}

async function runBob(t: TestContext, world: RunnerWorld) {
  const done = await runTask(t, world, "bob", ["mkdir -p output", "echo bob-result > output/r.txt", "echo bob-log-line"], { results: ["output"] });
  assert.equal(done.state, "success", done.description);
  return { done, before: await artifactSnapshot(world.store, done), seen: await seenTask(world.store, done, world.root) };
}

async function assertBobUnchanged(world: RunnerWorld, bob: Awaited<ReturnType<typeof runBob>>) {
  assert.deepEqual(await artifactSnapshot(world.store, bob.done), bob.before, "bob's artifacts are as they were");
  assert.deepEqual(await seenTask(world.store, bob.done, world.root), bob.seen, "bob's log is as it was");
  assert.equal(readFileSync(join(jobPaths(world.dataDir, bob.done.taskId).logFile), "utf8").includes("bob-log-line"), true);
}

/** The runner's folder for the running task, as a job's shell can name it. */
function runnerFilesOf(world: RunnerWorld): string {
  return `${join(world.dataDir, "runner-files")}/$AILAB_TASK_ID`;
}

test("a job that swaps the runner's log for a link to a secret, or plants build.log as a hard link to one, gets none of it back", async (t) => {
  const world = await createRunnerWorld(t);
  const secret = plantSecret(world.root);
  await world.start(UNSANDBOXED);
  const bob = await runBob(t, world);
  const files = runnerFilesOf(world);
  const done = await runTask(t, world, "alice", [
    "echo before-the-swap",
    // Where the runner's files used to be: now the job's own folder.
    `ln -sf ${secret.file} ../job.log; ln -sf ${secret.file} ../build.log; ln -sf ${secret.file} ../exit-code`,
    `rm -f ${files}/job.log && ln -s ${secret.file} ${files}/job.log`,
    `ln -f ${secret.file} ${files}/build.log`,
    "echo after-the-swap",
  ]);

  assert.equal(done.state, "success", "the job's exit code still decides");
  const seen = await seenTask(world.store, done, world.root);
  assertNowhere(seen, secret.text);
  assertNoted(seen.log, "left out job.log: is a symbolic link");
  assertNoted(seen.log, "left out build.log: has N names (a hard link)");
  assert.deepEqual([...seen.logs.keys()], [], "no log member was readable, so no logs archive");
  await assertBobUnchanged(world, bob);
});

test("results that are links, hard links or paths through linked folders to secrets are left out, with the reason in the log", async (t) => {
  const world = await createRunnerWorld(t);
  const secret = plantSecret(world.root);
  await world.start(UNSANDBOXED);
  const bob = await runBob(t, world);
  const bobLog = jobPaths(world.dataDir, bob.done.taskId).logFile;
  const done = await runTask(
    t,
    world,
    "alice",
    [
      "mkdir -p output logs",
      "echo fine > output/ok.txt",
      `ln -s ${secret.file} output/link.txt`,
      `ln ${secret.file} output/hard.txt`,
      `ln -s ${dirname(secret.file)} output/dirlink`,
      `ln -s ${dirname(secret.file)} linked`,
      `ln ${bobLog} output/bob.log`,
      `ln -s ${secret.file} logs/train.log`,
    ],
    { results: ["output", "linked/relay-secret"], logs: ["logs"] },
  );

  assert.equal(done.state, "success", done.description);
  const seen = await seenTask(world.store, done, world.root);
  assertNowhere(seen, secret.text);
  assertNowhere(seen, "bob-log-line");
  assert.deepEqual([...seen.results.keys()], ["output/ok.txt"]);
  for (const line of [
    "left out result output/link.txt: is a symbolic link",
    "left out result output/hard.txt: has N names (a hard link)",
    "left out result output/dirlink: is a symbolic link",
    "left out result linked/relay-secret: linked is a symbolic link",
    "left out result output/bob.log: has N names (a hard link)",
    "left out log logs/train.log: is a symbolic link",
  ]) {
    assertNoted(seen.log, line);
    assertNoted(seen.logs.get("job.log") ?? "", line);
  }
  await assertBobUnchanged(world, bob);
});

const FLIPS = 20;

test("a background process that flips a result between a file, a link and a hard link to a secret never gets the secret collected", async (t) => {
  const world = await createRunnerWorld(t);
  const secret = plantSecret(world.root);
  const stop = join(world.root, "stop-flipping");
  // The flippers stop on this file, or when the job's folder is gone (the test's temporary folder may be removed first).
  t.after(() => {
    try {
      writeFileSync(stop, "");
    } catch {
      // nothing left to flip in
    }
  });
  // One flip: a link, a plain file, a hard link, a folder link, each put in place by rename so the name always exists.
  const flip = [
    `ln -sfn ${secret.file} output/.a && mv -Tf output/.a output/flip`,
    "echo plain > output/.b && mv -Tf output/.b output/flip",
    `ln -f ${secret.file} output/.c && mv -Tf output/.c output/flip`,
    `ln -sfn ${dirname(secret.file)} output/.d && mv -Tf output/.d output/sub`,
    "mkdir -p output/.e && echo inner > output/.e/x && rm -rf output/sub.old; mv -Tf output/sub output/sub.old 2>/dev/null; mv -Tf output/.e output/sub",
  ].join("; ");
  const flipper = `while [ ! -e ${stop} ] && [ -d output ]; do ${flip}; done`;

  // Sandboxed (the default): the sandbox ends the job's flipper with its command, so the race
  // through the runner is short; the loop below races the collection itself for as long as it runs.
  await world.start();
  const bob = await runBob(t, world);
  // The job starts the flipper in a session of its own, so it outlives the job and runs through the runner's collection.
  for (let round = 0; round < 3; round++) {
    const done = await runTask(t, world, "alice", ["mkdir -p output", `setsid -f timeout 120 bash -c '${flipper}' > /dev/null 2>&1`, "sleep 0.3"], { results: ["output"] });
    assert.equal(done.state, "success", done.description);
    const seen = await seenTask(world.store, done, world.root);
    assertNowhere(seen, secret.text);
    for (const [name, body] of seen.results) assert.ok(["output/flip", "output/sub/x", "output/sub.old/x"].includes(name) && /^(plain|inner)\n$/.test(body), `${name}: ${body}`);
  }

  // And the collection itself, again and again over one job folder while the flipper runs.
  const project = await publishProject(t, world.store, { "task.toml": taskToml(["true"], { results: ["output"], logs: ["output"] }) });
  const submit = project.submit({ user: "alice" });
  const paths = jobPaths(world.dataDir, submit.taskId);
  mkdirSync(join(paths.projectDir, "output"), { recursive: true });
  mkdirSync(paths.runnerDir, { recursive: true });
  writeFileSync(paths.logFile, "job output\n");
  const child = spawn("bash", ["-c", flipper], { cwd: paths.projectDir, stdio: "ignore" });
  t.after(() => child.kill());
  for (let i = 0; i < FLIPS; i++) {
    const collected = await collectResults(submit, paths, DEFAULT_COLLECTION_LIMITS, silentLogger);
    for (const archive of collected.archives) {
      await tar.t({
        file: archive,
        onReadEntry: (entry) => {
          assert.equal(entry.type, "File", `${entry.path} is a plain file entry`);
          const chunks: Buffer[] = [];
          entry.on("data", (c: Buffer) => chunks.push(c));
          entry.on("end", () => assert.ok(!Buffer.concat(chunks).toString("utf8").includes(secret.text), `round ${i}: the secret is in ${entry.path}`));
        },
      });
    }
    assert.ok(!collected.notes.join("\n").includes(secret.text));
  }
  // Stopped before the test's folders are removed: it would keep changing them under the clean-up.
  child.kill();
  await once(child, "exit");
  await assertBobUnchanged(world, bob);
});

test("a setuid result comes out of the archive and `ailab pull`'s extraction without the bit; FIFOs and folders' modes do not travel", async (t) => {
  const world = await createRunnerWorld(t);
  await world.start(UNSANDBOXED);
  const bob = await runBob(t, world);
  const done = await runTask(
    t,
    world,
    "alice",
    ["mkdir -p output/tmp", "cp /bin/true output/tool && chmod 4755 output/tool", "echo data > output/data && chmod 2666 output/data", "chmod 1777 output/tmp", "echo x > output/tmp/x", "mkfifo output/pipe"],
    { results: ["output"] },
  );
  assert.equal(done.state, "success", done.description);
  const archive = join(world.root, "alice-results.tar.gz");
  writeFileSync(archive, await artifactBytes(world.store, done, "results.tar.gz"));
  const members = new Map<string, { type: string; mode: number }>();
  await tar.t({ file: archive, onReadEntry: (e) => members.set(e.path, { type: e.type, mode: e.mode ?? -1 }) });
  assert.deepEqual(Object.fromEntries(members), {
    "output/data": { type: "File", mode: 0o644 },
    "output/tmp/x": { type: "File", mode: 0o644 },
    "output/tool": { type: "File", mode: 0o755 },
  });

  const pulled = join(world.root, "pulled");
  await extractArchive(archive, pulled);
  assert.equal(statSync(join(pulled, "output", "tool")).mode & 0o7777, 0o755);
  assert.equal(statSync(join(pulled, "output", "data")).mode & 0o7777, 0o644);
  assert.equal(statSync(join(pulled, "output", "tmp")).mode & 0o7777, 0o755);
  const seen = await seenTask(world.store, done, world.root);
  assert.ok(seen.log.includes("[ailab: left out result output/pipe: is not a regular file]"), seen.log);
  await assertBobUnchanged(world, bob);
});

test("a job that writes past the log limit has its log cut with a marker, and ends as it really did", async (t) => {
  const world = await createRunnerWorld(t);
  await world.start({ ...UNSANDBOXED, maxLogSize: "64K" });
  const bob = await runBob(t, world);
  const done = await runTask(t, world, "alice", ["head -c 300000 /dev/zero | tr '\\0' x", "echo", "echo last-words", "exit 3"]);

  assert.equal(done.state, "failure");
  assert.equal(done.exitCode, 3);
  assert.match(done.description, /^exit code 3/);
  const seen = await seenTask(world.store, done, world.root);
  const marker = "\n[ailab: log cut at 64 KiB]\n";
  const at = seen.log.indexOf(marker);
  assert.equal(Buffer.byteLength(seen.log.slice(0, at)), 64 * 1024, "the log is kept up to the limit, then the marker");
  assert.ok(!seen.log.includes("last-words"));
  assert.equal(seen.logs.get("job.log"), seen.log, "the archived job.log is cut the same way");
  await assertBobUnchanged(world, bob);
});

test("results over the size or file-count limit are not uploaded, and the task's status says why", async (t) => {
  const world = await createRunnerWorld(t);
  await world.start({ ...UNSANDBOXED, maxResultsSize: "10K", maxResultFiles: "3" });
  const bob = await runBob(t, world);

  const big = await runTask(t, world, "alice", ["mkdir -p output", "head -c 20480 /dev/zero > output/big"], { results: ["output"] });
  assert.equal(big.state, "failure");
  assert.equal(big.description, "results over the 10 KiB limit: 20 KiB; nothing uploaded");
  assert.equal(big.exitCode, 0, "the job itself succeeded");
  assert.deepEqual(big.artifacts.map((a) => a.name).sort(), ["logs.tar.gz", "run.json"]);
  const seen = await seenTask(world.store, big, world.root);
  assert.ok(seen.log.includes("[ailab: results over the 10 KiB limit: 20 KiB; nothing uploaded]"), seen.log);
  const card = JSON.parse((await artifactBytes(world.store, big, "run.json")).toString("utf8")) as { state?: string };
  assert.equal(card.state, "failure");

  const many = await runTask(t, world, "alice", ["mkdir -p output", "for i in 1 2 3 4 5; do echo $i > output/f$i; done", "exit 1"], { results: ["output"] });
  assert.equal(many.state, "failure");
  assert.equal(many.description, "exit code 1 · results over the 3-file limit; nothing uploaded");
  assert.ok(!many.artifacts.some((a) => a.name === "results.tar.gz"));
  await assertBobUnchanged(world, bob);
});
