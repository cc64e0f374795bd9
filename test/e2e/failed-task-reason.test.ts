import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { appendFile, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { BINS, binEnv, runBin, startAilabUp } from "../helpers/cli-bins.js";
import { PYPROJECT } from "../helpers/runner-project.js";
import { tempDir } from "../helpers/temp-dir.js";

function git(cwd: string, env: Record<string, string>, ...args: string[]): string {
  const r = spawnSync("git", args, { cwd, env, encoding: "utf8" });
  assert.equal(r.status, 0, `git ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

const TASK_TOML = `[task]
name = "divide"

[resources]
gpus = 0
cpus = 1
memory = "1G"
time_limit = "0:05:00"

[run]
command = "python train.py"
`;

const TRAIN_PY = `print("epoch 1 loss=0.5", flush=True)

def main():
    return 1 / 0

main()
`;

test("a failed task says why: submit --wait, ailab status and the commit status show the exception line", { timeout: 180_000 }, async (t) => {
  const home = await tempDir(t, "ailab-e2e-");
  const env = binEnv(home);
  const state = join(home, "state");
  const up = await startAilabUp(t, state, { cwd: home, env });
  const token = (await runBin(BINS.action, ["user", "add", "student", "--data-dir", join(state, "action")], { cwd: home, env })).stdout.trim();
  const login = await runBin(BINS.ailab, ["login", up.url], { cwd: home, env, input: token + "\n" });
  assert.equal(login.exitCode, 0, login.stderr);
  const ailab = (cwd: string, ...args: string[]) => runBin(BINS.ailab, args, { cwd, env });

  const project = join(home, "divide");
  await mkdir(project);
  await writeFile(join(project, "pyproject.toml"), PYPROJECT);
  await writeFile(join(project, "task.toml"), TASK_TOML);
  await writeFile(join(project, "train.py"), TRAIN_PY);
  execFileSync("uv", ["lock", "--offline", "--quiet"], { cwd: project, env, stdio: "pipe" });
  git(project, env, "init", "-q", "-b", "main");
  git(project, env, "add", "-A");
  git(project, env, "commit", "-q", "-m", "divide by zero");
  const commit = git(project, env, "rev-parse", "HEAD").trim();
  await appendFile(join(project, "train.py"), "# not committed\n");

  const submit = await ailab(project, "submit", "--wait");
  assert.equal(submit.exitCode, 1, `submit --wait:\n${submit.stderr}\n--- ailab up ---\n${up.stderr()}`);
  const why = "exit code 1: ZeroDivisionError: division by zero";
  assert.ok(submit.stderr.includes(`note: uncommitted changes are not submitted; the task runs commit ${commit.slice(0, 8)} as it was committed\n`), submit.stderr);
  assert.match(submit.stderr, new RegExp(`failure: ${why}\\n`), "the progress line");
  assert.match(submit.stderr, /output \(last lines\):\n {2}epoch 1 loss=0\.5\n {2}Traceback \(most recent call last\):\n[\s\S]*\n {2}ZeroDivisionError: division by zero\n/);
  assert.match(submit.stderr, new RegExp(`ended in failure: ${why}\\n`), "the final error");
  const taskId = submit.stdout.trim();

  const status = await ailab(project, "status", taskId);
  assert.equal(status.exitCode, 1);
  assert.match(status.stdout, new RegExp(`^status: +failure · ${why}$`, "m"));
  assert.match(status.stdout, /^output \(last lines\):\n( {2}.*\n)* {2}ZeroDivisionError: division by zero\n$/m);

  // The commit status, as the built-in forge writes it into git notes.
  const basic = Buffer.from(`student:${token}`).toString("base64");
  const authEnv = { ...env, GIT_CONFIG_COUNT: "1", GIT_CONFIG_KEY_0: "http.extraHeader", GIT_CONFIG_VALUE_0: `Authorization: Basic ${basic}`, GIT_TERMINAL_PROMPT: "0" };
  git(project, authEnv, "fetch", "-q", `${up.url}/git/student/divide.git`, "refs/notes/ailab:refs/notes/ailab");
  assert.match(git(project, env, "log", "-1", "--notes=ailab", "--format=%N"), new RegExp(`ailab/divide: failure — ${why} \\(${taskId}\\)`));
  assert.equal(await up.stop(), 0, up.stderr());
});
