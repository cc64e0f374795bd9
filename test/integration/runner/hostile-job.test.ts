import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { sha256, sha256File } from "../../../core/hash.js";
import { shellQuote } from "../../../core/sbatch/shell-quote.js";
import { jobPaths } from "../../../runner-agent/job-paths.js";
import { readArchive } from "../../helpers/runner-artifacts.js";
import { publishProject, sendToRunner, taskToml, type PublishedProject } from "../../helpers/runner-project.js";
import { createRunnerWorld, TEST_RUNNER, TEST_SECRET, type RunnerWorld } from "../../helpers/runner-world.js";

// Jobs are untrusted code (DESIGN.md, Security). Each test here runs a real
// runner with the local executor and real jobs that attack what a job on a
// single box could reach before jobs ran in a sandbox (issue 8).

/**
 * mallory's job: tries each attack and prints `ATTACK <what>: WORKED` or
 * `ATTACK <what>: denied`. The last three are what a job must still be able
 * to do, so a sandbox that broke everything would fail the test too.
 */
const ATTACK_SCRIPT = `#!/bin/bash
try() { local what=$1; shift; if "$@" >/dev/null 2>&1; then echo "ATTACK $what: WORKED"; else echo "ATTACK $what: denied"; fi; }
data=$1 secret=$2 relay=$3 alice=$4 action=$5 runner_pid=$6
# Where the shared environment is, as any job can learn it: its sys.path.
shared=$(python -c 'import sys; print(next(p for p in sys.path if "/envs/" in p))')
echo "shared env: $shared"
try "read the relay secret" cat "$secret"
try "read the runner db" cat "$data/runner.db"
try "read the action db" cat "$action/action.db"
try "read alice's project" cat "$data/jobs/$alice/project/notes.txt"
try "read alice's log" cat "$data/jobs/$alice/job.log"
try "read /etc/shadow" cat /etc/shadow
try "list the relay" ls "$relay/objects"
try "list the object cache" ls "$data/objects"
try "drop a .pth into the shared env" sh -c 'echo "import sys; print(\\"OWNED by mallory\\")" > "$0/zzz_mallory.pth"' "$shared"
try "make the shared env writable" chmod u+w "$shared"
try "write the object cache" sh -c 'for f in "$0"/objects/*; do chmod u+w "$f" && echo evil > "$f" || exit 1; done' "$data"
# A write counts only where the target is there to write: bwrap makes the folders above a mount
# in the job's own /tmp, and a file made there is the job's, not the runner's.
try "write into the relay" sh -c 'test -d "$0/messages/to-action" && echo forged > "$0/messages/to-action/forged.json"' "$relay"
try "write alice's job folder" sh -c 'test -d "$0/jobs/$1" && echo planted > "$0/jobs/$1/planted"' "$data" "$alice"
try "write the runner db" sh -c 'test -f "$0/runner.db" && echo x >> "$0/runner.db"' "$data"
try "write the action db" sh -c 'test -f "$0/action.db" && echo x >> "$0/action.db"' "$action"
try "signal the runner" kill -0 "$runner_pid"
try "write its own project" sh -c 'echo mine > mine.txt'
try "write its own venv" sh -c 'echo "# mine" > "$VIRTUAL_ENV/mine.pth"'
try "run python from the shared env" python -c 'import sys'
`;

const STILL_ALLOWED = ["write its own project", "write its own venv", "run python from the shared env"];

/** The ATTACK lines of a log: what → "WORKED" | "denied". */
function attacks(log: string): Map<string, string> {
  return new Map([...log.matchAll(/^ATTACK (.+): (WORKED|denied)$/gm)].map((m) => [m[1]!, m[2]!]));
}

async function runToEnd(world: RunnerWorld, project: PublishedProject, user: string) {
  const submit = project.submit({ user });
  await sendToRunner(world.store, TEST_SECRET, TEST_RUNNER, submit);
  const done = await world.inbox.completion(submit.taskId, 120_000);
  const logs = await readArchive(world.store, done, "logs.tar.gz", world.root);
  return { done, log: logs.get("job.log") ?? "" };
}

/** Every file under `dir` with its sha256 (links and folders left out). */
async function fingerprint(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out[join(entry.parentPath, entry.name)] = await sha256File(join(entry.parentPath, entry.name));
  }
  return out;
}

test("a hostile job reads and changes nothing of the runner, the action or another student, and alice's next job in the same environment is unaffected", async (t) => {
  const world = await createRunnerWorld(t);
  const secretFile = join(world.root, "relay-secret");
  writeFileSync(secretFile, `${TEST_SECRET}\n`, { mode: 0o600 });
  const actionDir = join(world.root, "action");
  mkdirSync(actionDir);
  writeFileSync(join(actionDir, "action.db"), "tokens: alice=secret-token\n", { mode: 0o600 });
  await world.start({ maxJobs: "2", secretFile });

  // alice's task runs (and holds a private file in its project) while mallory's job attacks.
  const aliceLong = await publishProject(t, world.store, { "task.toml": taskToml(["echo alice-private > notes.txt", "sleep 300"]) });
  const alice = aliceLong.submit({ user: "alice" });
  await sendToRunner(world.store, TEST_SECRET, TEST_RUNNER, alice);
  const aliceNotes = join(jobPaths(world.dataDir, alice.taskId).projectDir, "notes.txt");
  await world.inbox.until(() => existsSync(aliceNotes), 120_000, "alice's job to write its notes");

  const args = [world.dataDir, secretFile, world.relayDir, alice.taskId, actionDir, String(process.pid)].map(shellQuote).join(" ");
  const mallory = await publishProject(t, world.store, { "attack.sh*": ATTACK_SCRIPT, "task.toml": taskToml([`./attack.sh ${args}`]) });
  assert.equal(mallory.env, aliceLong.env, "one lockfile: both jobs share one environment");
  const objectsBefore = await fingerprint(join(world.dataDir, "objects"));
  const attack = await runToEnd(world, mallory, "mallory");
  assert.equal(attack.done.state, "success", `${attack.done.description}\n${attack.log}`);

  const results = attacks(attack.log);
  assert.equal(results.size, ATTACK_SCRIPT.match(/^try "/gm)!.length, attack.log);
  for (const [what, result] of results) assert.equal(result, STILL_ALLOWED.includes(what) ? "WORKED" : "denied", `${what}\n${attack.log}`);
  assert.doesNotMatch(attack.log, /secret-token|alice-private|test-relay-secret/);

  // Checked from outside too: nothing the job aimed at changed.
  const sharedSite = /^shared env: (.+)$/m.exec(attack.log)?.[1];
  assert.ok(sharedSite && existsSync(sharedSite), attack.log);
  assert.ok(!readdirSync(sharedSite).some((name) => name.startsWith("zzz_")), "no .pth dropped into the shared environment");
  assert.equal(statSync(sharedSite).mode & 0o222, 0, "the shared environment is still read-only");
  for (const [path, hash] of Object.entries(objectsBefore)) assert.equal(await sha256File(path), hash, path);
  assert.ok(!existsSync(join(world.relayDir, "messages", "to-action", "forged.json")));
  assert.ok(!existsSync(join(jobPaths(world.dataDir, alice.taskId).jobDir, "planted")));
  assert.equal(readFileSync(join(actionDir, "action.db"), "utf8"), "tokens: alice=secret-token\n");

  // alice's next job in the same environment runs as if mallory had never been there.
  const aliceNext = await publishProject(t, world.store, { "task.toml": taskToml(["python -c 'print(\"alice ran clean\")'"]) });
  const next = await runToEnd(world, aliceNext, "alice");
  assert.equal(next.done.state, "success", `${next.done.description}\n${next.log}`);
  assert.match(next.log, /^alice ran clean$/m);
  assert.doesNotMatch(next.log, /OWNED/);

  await sendToRunner(world.store, TEST_SECRET, TEST_RUNNER, { kind: "cancel", taskId: alice.taskId, reason: "test over" });
  assert.equal((await world.inbox.completion(alice.taskId)).state, "cancelled");
});

test("an object changed in the runner's cache is noticed, fetched again from the relay, and the job gets the pushed contents", async (t) => {
  const world = await createRunnerWorld(t);
  const project = await publishProject(t, world.store, { "data.txt": "the pushed contents\n", "task.toml": taskToml(["cat data.txt"]) });
  await world.start();
  const first = await runToEnd(world, project, "alice");
  assert.equal(first.done.state, "success", first.log);
  assert.match(first.log, /^the pushed contents$/m);

  // As a job could before jobs were sandboxed: the cached object made writable and rewritten in place.
  const cached = join(world.dataDir, "objects", sha256(Buffer.from("the pushed contents\n")));
  chmodSync(cached, 0o644);
  writeFileSync(cached, "planted by a job\n");
  const second = await runToEnd(world, project, "bob");
  assert.equal(second.done.state, "success", second.log);
  assert.match(second.log, /^the pushed contents$/m);
  assert.doesNotMatch(second.log, /planted/);
  assert.equal(readFileSync(cached, "utf8"), "the pushed contents\n", "the cache holds the relay's object again");
  assert.equal(statSync(cached).mode & 0o222, 0, "and it is read-only again");
});

/** A job that leaves a double-forked `setsid` daemon behind, printing a heartbeat to the job's log every 0.2 s. */
function daemonTask(marker: string, then: string): string {
  const daemon = `( setsid bash -c 'while true; do echo "beat $0 $(date +%s%N)"; sleep 0.2; done' ${marker} & ) </dev/null`;
  // One command: each command of a task has a sandbox of its own, which ends with it.
  return taskToml([`${daemon}; sleep 1; ${then}`]);
}

/** Processes whose command line holds `marker`, as `ps` sees them from outside any sandbox. */
function processesWith(marker: string): string[] {
  return execFileSync("ps", ["-e", "-o", "pid=,stat=,args="], { encoding: "utf8" })
    .split("\n")
    .filter((line) => line.includes(marker) && !/^\s*\d+\s+Z/.test(line));
}

/** Waits until no process holds `marker` (bounded), then says which still do. */
async function survivors(marker: string): Promise<string[]> {
  for (let i = 0; i < 100 && processesWith(marker).length > 0; i++) await sleep(50);
  return processesWith(marker);
}

/** The job's log grows while the daemon beats; true when it still grows a second after the job ended. */
async function stillBeating(logFile: string): Promise<boolean> {
  const before = statSync(logFile).size;
  await sleep(1000);
  return statSync(logFile).size !== before;
}

test("a setsid daemon a job leaves behind does not outlive the job, whether it ends or is cancelled", async (t) => {
  const world = await createRunnerWorld(t);
  await world.start({ cancelGraceMs: "500" });

  const endsMarker = `ailab-daemon-ends-${process.pid}`;
  const ends = await publishProject(t, world.store, { "task.toml": daemonTask(endsMarker, "echo job done") });
  const ended = ends.submit();
  await sendToRunner(world.store, TEST_SECRET, TEST_RUNNER, ended);
  const endLog = jobPaths(world.dataDir, ended.taskId).logFile;
  await world.inbox.until(() => existsSync(endLog) && readFileSync(endLog, "utf8").includes(`beat ${endsMarker}`), 120_000, "the daemon to beat");
  assert.equal((await world.inbox.completion(ended.taskId)).state, "success");
  assert.deepEqual(await survivors(endsMarker), [], "no process of the ended job is left");
  assert.equal(await stillBeating(endLog), false, "the heartbeat stopped");

  const cancelMarker = `ailab-daemon-cancel-${process.pid}`;
  const cancels = await publishProject(t, world.store, { "task.toml": daemonTask(cancelMarker, "sleep 300") });
  const cancelled = cancels.submit();
  await sendToRunner(world.store, TEST_SECRET, TEST_RUNNER, cancelled);
  const cancelLog = jobPaths(world.dataDir, cancelled.taskId).logFile;
  await world.inbox.until(() => existsSync(cancelLog) && readFileSync(cancelLog, "utf8").includes(`beat ${cancelMarker}`), 120_000, "the daemon to beat");
  assert.ok(processesWith(cancelMarker).length > 0, "the daemon runs while the job does");
  await sendToRunner(world.store, TEST_SECRET, TEST_RUNNER, { kind: "cancel", taskId: cancelled.taskId, reason: "by alice" });
  assert.equal((await world.inbox.completion(cancelled.taskId)).state, "cancelled");
  assert.deepEqual(await survivors(cancelMarker), [], "no process of the cancelled job is left");
  assert.equal(await stillBeating(cancelLog), false, "the heartbeat stopped");
});
