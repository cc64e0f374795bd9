import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cp, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { TaskView } from "../../core/api/types.js";
import { packageRoot } from "../../core/package-root.js";
import { BINS, binEnv, runBin, startAilabUp } from "../helpers/cli-bins.js";
import { tempDir } from "../helpers/temp-dir.js";

/** Runs git with argv in `cwd`; fails the test on a non-zero exit. */
function git(cwd: string, env: Record<string, string>, ...args: string[]): string {
  const r = spawnSync("git", args, { cwd, env, encoding: "utf8" });
  assert.equal(r.status, 0, `git ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

test("the whole loop on one machine: ailab up, login, submit --wait, status, pull, notes", { timeout: 300_000 }, async (t) => {
  const home = await tempDir(t, "ailab-e2e-");
  const env = binEnv(home);
  const state = join(home, "state");
  const up = await startAilabUp(t, state, { cwd: home, env });

  // The admin adds a student; the token is the only thing on stdout.
  const added = await runBin(BINS.action, ["user", "add", "student", "--data-dir", join(state, "action")], { cwd: home, env });
  assert.equal(added.exitCode, 0, added.stderr);
  const token = added.stdout.trim();
  assert.ok(token.length >= 16);

  const ailab = (cwd: string, ...args: string[]) => runBin(BINS.ailab, args, { cwd, env });
  const login = await runBin(BINS.ailab, ["login", up.url], { cwd: home, env, input: token + "\n" });
  assert.equal(login.exitCode, 0, login.stderr);
  const whoami = await ailab(home, "whoami");
  assert.equal(whoami.stdout, "student\n");

  // The sample project in a fresh repository, committed.
  const project = join(home, "sample-project");
  await cp(join(packageRoot(), "examples", "sample-project"), project, { recursive: true });
  git(project, env, "init", "-q", "-b", "main");
  git(project, env, "add", "-A");
  git(project, env, "commit", "-q", "-m", "sample project");
  const commit = git(project, env, "rev-parse", "HEAD").trim();

  const validate = await ailab(project, "validate");
  assert.equal(validate.exitCode, 0, validate.stderr);

  const submit = await ailab(project, "submit", "--wait");
  assert.equal(submit.exitCode, 0, `submit --wait:\n${submit.stderr}\n--- ailab up ---\n${up.stderr()}`);
  const taskId = submit.stdout.trim();
  assert.match(taskId, /^[0-9a-z]{10}-[0-9a-z]{4}$/);
  assert.match(submit.stderr, /success/);
  // The token never appears in what git or the CLI printed, nor in .git/config.
  assert.ok(!submit.stderr.includes(token));
  assert.ok(!(await readFile(join(project, ".git", "config"), "utf8")).includes(token));

  const status = await ailab(project, "status", taskId);
  assert.equal(status.exitCode, 0, status.stderr);
  assert.match(status.stdout, /^state:\s+success$/m);
  const byCommit = await ailab(project, "status", "--json", commit.slice(0, 10));
  assert.equal(byCommit.exitCode, 0, byCommit.stderr);
  const view = TaskView.parse(JSON.parse(byCommit.stdout));
  assert.equal(view.id, taskId);
  assert.equal(view.commit, commit);
  assert.equal(view.branch, "ailab/sample");

  const list = await ailab(project, "list", "--json");
  assert.deepEqual(
    (JSON.parse(list.stdout) as TaskView[]).map((task) => task.id),
    [taskId],
  );

  const logs = await ailab(project, "logs", taskId);
  assert.match(logs.stdout, /Epoch 10\/10 loss=/);

  const pull = await ailab(project, "pull", taskId);
  assert.equal(pull.exitCode, 0, pull.stderr);
  const results = join(project, "results", taskId);
  assert.equal(pull.stdout.trim(), results);
  const metrics = JSON.parse(await readFile(join(results, "output", "metrics.json"), "utf8")) as { epochs: number; test_accuracy: number };
  assert.equal(metrics.epochs, 10);
  assert.ok(metrics.test_accuracy > 0.5);
  assert.ok((await stat(join(results, "output", "model.npz"))).size > 0);
  assert.match(await readFile(join(results, "logs", "train.log"), "utf8"), /Epoch 1\/10/);
  const runCard = JSON.parse(await readFile(join(results, "run.json"), "utf8")) as { commit: string; exitCode: number };
  assert.equal(runCard.commit, commit);
  assert.equal(runCard.exitCode, 0);

  // The commit's status as git notes, fetched with the token passed through the environment.
  const basic = Buffer.from(`student:${token}`).toString("base64");
  const authEnv = { ...env, GIT_CONFIG_COUNT: "1", GIT_CONFIG_KEY_0: "http.extraHeader", GIT_CONFIG_VALUE_0: `Authorization: Basic ${basic}`, GIT_TERMINAL_PROMPT: "0" };
  git(project, authEnv, "fetch", "-q", `${up.url}/git/student/sample-project.git`, "refs/notes/ailab:refs/notes/ailab");
  const notes = git(project, env, "log", "-1", "--notes=ailab", "--format=%N");
  assert.match(notes, /ailab\/sample: success/);

  // Ctrl-C (here SIGTERM) stops both parts cleanly.
  assert.equal(await up.stop(), 0, up.stderr());
  assert.match(up.stderr(), /stopped/);
});
