import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import { TaskView } from "../../core/api/types.js";
import { BINS, binEnv, runBin, startAilabUp, type RunningUp } from "../helpers/cli-bins.js";
import { tempDir } from "../helpers/temp-dir.js";

// The whole stack as a student meets it (ailab up, the CLI, real git, real uv,
// real processes): cancelling a queued and a running job, and an `ailab up`
// killed with SIGKILL while a job runs.

function git(cwd: string, env: Record<string, string>, ...args: string[]): string {
  const r = spawnSync("git", args, { cwd, env, encoding: "utf8" });
  assert.equal(r.status, 0, `git ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

/** A project whose job sleeps; `marker` is in its command line so its processes can be found. */
async function sleepyProject(t: TestContext, env: Record<string, string>, marker: string, seconds: number): Promise<string> {
  const dir = await tempDir(t, "ailab-e2e-project-");
  await writeFile(join(dir, "pyproject.toml"), '[project]\nname = "sleepy"\nversion = "0.1.0"\nrequires-python = ">=3.9"\ndependencies = []\n');
  await writeFile(
    join(dir, "task.toml"),
    `[task]\nname = "sleepy"\n[run]\ncommand = "python -c 'import time; print(\\"started\\", flush=True); time.sleep(${seconds})' ${marker}"\nresults = ["output/"]\n`,
  );
  const lock = spawnSync("uv", ["lock", "--quiet"], { cwd: dir, env, encoding: "utf8" });
  assert.equal(lock.status, 0, lock.stderr);
  git(dir, env, "init", "-q", "-b", "main");
  git(dir, env, "add", "-A");
  git(dir, env, "commit", "-q", "-m", "sleepy");
  return dir;
}

async function loggedIn(t: TestContext, extraEnv: Record<string, string> = {}) {
  const home = await tempDir(t, "ailab-e2e-");
  const env = binEnv(home, extraEnv);
  const state = join(home, "state");
  const up = await startAilabUp(t, state, { cwd: home, env });
  const added = await runBin(BINS.action, ["user", "add", "student", "--data-dir", join(state, "action")], { cwd: home, env });
  assert.equal(added.exitCode, 0, added.stderr);
  const token = added.stdout.trim();
  const login = await runBin(BINS.ailab, ["login", up.url], { cwd: home, env, input: token + "\n" });
  assert.equal(login.exitCode, 0, login.stderr);
  return { home, env, state, up, token };
}

async function taskView(url: string, token: string, id: string): Promise<TaskView> {
  const res = await fetch(`${url}/api/tasks/${id}`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(res.status, 200);
  return TaskView.parse(await res.json());
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const processesWith = (marker: string) =>
  spawnSync("pgrep", ["-f", marker], { encoding: "utf8" }).stdout.split("\n").filter(Boolean);

test("ailab cancel stops a queued job and a running one; both say cancelled; no process is left", { timeout: 300_000 }, async (t) => {
  const { env, up, token } = await loggedIn(t, { AILAB_MAX_JOBS: "1", AILAB_CANCEL_GRACE_MS: "1000" });
  const marker = `ailab-e2e-${randomBytes(4).toString("hex")}`;
  const project = await sleepyProject(t, env, marker, 300);
  const ailab = (...args: string[]) => runBin(BINS.ailab, args, { cwd: project, env });

  const first = await ailab("submit", "--name", "first");
  assert.equal(first.exitCode, 0, first.stderr);
  const second = await ailab("submit", "--name", "second");
  assert.equal(second.exitCode, 0, second.stderr);
  const [running, queued] = [first.stdout.trim(), second.stdout.trim()];

  await waitFor("the first job to run", async () => (await taskView(up.url, token, running)).state === "running");
  await waitFor("the job's process", () => Promise.resolve(processesWith(marker).length > 0));
  assert.notEqual((await taskView(up.url, token, queued)).state, "running", "one job at a time: the second waits");

  const cancelQueued = await ailab("cancel", queued);
  assert.equal(cancelQueued.exitCode, 0, cancelQueued.stderr);
  const cancelRunning = await ailab("cancel", running);
  assert.equal(cancelRunning.exitCode, 0, cancelRunning.stderr);

  for (const id of [queued, running]) {
    await waitFor(`task ${id} to end`, async () => (await taskView(up.url, token, id)).state === "cancelled");
    const status = await ailab("status", id);
    assert.equal(status.exitCode, 2, "status exits 2 for a cancelled task");
    assert.match(status.stdout, /cancelled/);
  }
  assert.deepEqual(processesWith(marker), [], "no process of the job is left");
});

test("ailab up killed with SIGKILL while a job runs, then started again: the result arrives, once", { timeout: 300_000 }, async (t) => {
  const { home, env, state, up, token } = await loggedIn(t);
  const marker = `ailab-e2e-${randomBytes(4).toString("hex")}`;
  const project = await sleepyProject(t, env, marker, 8);
  const submitted = await runBin(BINS.ailab, ["submit"], { cwd: project, env });
  assert.equal(submitted.exitCode, 0, submitted.stderr);
  const id = submitted.stdout.trim();
  await waitFor("the job to run", () => Promise.resolve(processesWith(marker).length > 0));

  up.child.kill("SIGKILL");
  await up.stop();
  assert.ok(processesWith(marker).length > 0, "the job outlives the killed runner");

  const again: RunningUp = await startAilabUp(t, state, { cwd: home, env });
  await waitFor("the task to end", async () => ["success", "failure", "error", "cancelled"].includes((await taskView(again.url, token, id)).state));
  const view = await taskView(again.url, token, id);
  assert.equal(view.state, "success", view.description);
  assert.equal(view.exitCode, 0);

  // Once: one task for the commit, and its run card names one run.
  const list = await fetch(`${again.url}/api/tasks`, { headers: { authorization: `Bearer ${token}` } });
  const tasks = ((await list.json()) as { tasks: TaskView[] }).tasks;
  assert.deepEqual(tasks.map((task) => task.id), [id]);
  const runCard = await fetch(`${again.url}/api/tasks/${id}/artifacts/run.json`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(((await runCard.json()) as { exitCode: number }).exitCode, 0);
  const logs = await fetch(`${again.url}/api/tasks/${id}/logs`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal((await logs.text()).match(/^started$/gm)?.length, 1, "the job ran once");
});
