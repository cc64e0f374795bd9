import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { renderBatchScript } from "../../../core/sbatch/render-batch-script.js";
import { parseTaskFile } from "../../../core/task/parse-task-file.js";
import { hasCode } from "../../../core/errors.js";
import { createBatchFixture } from "../../helpers/batch-fixture.js";

function task(toml: string) {
  return parseTaskFile(toml, { file: "task.toml", branch: "ailab/demo" });
}

test("commands run in order; the first failure stops the rest and its code is the job's", async (t) => {
  const f = await createBatchFixture(t);
  const script = renderBatchScript(f.plan(task('[run]\ncommands = ["echo one", "exit 3", "touch after"]\n')));
  const run = f.run(script);
  assert.equal(run.exitCode, 3);
  assert.equal(readFileSync(f.paths.exitCodeFile, "utf8"), "3\n");
  assert.ok(!existsSync(f.paths.exitCodeFile + ".tmp"));
  assert.ok(!existsSync(join(f.paths.projectDir, "after")), "the command after the failure ran");
  assert.match(run.stdout, /^==> echo one\none\n==> exit 3\n==> exit code 3\n$/);
});

test("a job whose commands all succeed records 0", async (t) => {
  const f = await createBatchFixture(t);
  const run = f.run(renderBatchScript(f.plan(task('[run]\ncommands = ["true", "echo done > done.txt"]\n'))));
  assert.equal(run.exitCode, 0, run.stderr);
  assert.equal(readFileSync(f.paths.exitCodeFile, "utf8"), "0\n");
  assert.equal(readFileSync(join(f.paths.projectDir, "done.txt"), "utf8"), "done\n");
});

test("the job runs in its workdir, inside its uv environment, with the task's env", async (t) => {
  const f = await createBatchFixture(t);
  mkdirSync(join(f.paths.projectDir, "sub"));
  const toml =
    '[environment]\nenv = { WANDB_MODE = "offline", EPOCHS = 3 }\n' +
    '[run]\nworkdir = "./sub/"\ncommand = "ailab-fake-tool; pwd; env | grep -E \'^(VIRTUAL_ENV|UV_|PYTHONUNBUFFERED|AILAB_|WANDB|EPOCHS)\' | sort"\n';
  const run = f.run(renderBatchScript(f.plan(task(toml))));
  assert.equal(run.exitCode, 0, run.stderr);
  const lines = run.stdout.split("\n");
  assert.equal(lines[1], "fake tool");
  assert.equal(lines[2], join(f.paths.projectDir, "sub"));
  assert.deepEqual(lines.slice(3, -1), [
    "AILAB_SWEEP_INDEX=0",
    "AILAB_TASK_ID=mfz3k2a1b0-7f2k",
    "AILAB_TASK_NAME=demo",
    "AILAB_USER=alice",
    "EPOCHS=3",
    "PYTHONUNBUFFERED=1",
    `UV_NO_SYNC=1`,
    `UV_PROJECT_ENVIRONMENT=${f.paths.envDir}`,
    `VIRTUAL_ENV=${f.paths.envDir}`,
    "WANDB_MODE=offline",
  ]);
});

test("a missing workdir fails the job with code 1", async (t) => {
  const f = await createBatchFixture(t);
  const run = f.run(renderBatchScript(f.plan(task('[run]\nworkdir = "nowhere"\ncommand = "touch ran"\n'))));
  assert.equal(run.exitCode, 1);
  assert.equal(readFileSync(f.paths.exitCodeFile, "utf8"), "1\n");
  assert.ok(!existsSync(join(f.paths.projectDir, "ran")) && !existsSync(join(f.paths.projectDir, "nowhere")));
});

test("a sweep run gets its own values in its commands", async (t) => {
  const f = await createBatchFixture(t);
  const swept = task('[run]\ncommand = "echo lr={lr} seed={seed} i={sweep_index} id={task_id} ${HOME:+home}"\n[sweep]\nlr = [0.1, 0.01]\nseed = "1..3"\n');
  const run = f.run(renderBatchScript(f.plan(swept, { sweepIndex: 4 })));
  assert.equal(run.stdout.split("\n")[1], "lr=0.01 seed=2 i=4 id=mfz3k2a1b0-7f2k home");
  assert.throws(() => renderBatchScript(f.plan(swept)), (e) => hasCode(e, "BadBatchPlan"));
  assert.throws(() => renderBatchScript(f.plan(swept, { sweepIndex: 6 })), (e) => hasCode(e, "BadBatchPlan"));
});

test("gres and partition lines appear only when asked for", async (t) => {
  const f = await createBatchFixture(t);
  const plain = renderBatchScript(f.plan(task('[run]\ncommand = "true"\n')));
  assert.doesNotMatch(plain, /--gres|--partition/);
  const gpu = renderBatchScript(f.plan(task('[resources]\ngpus = 2\n[run]\ncommand = "true"\n')));
  assert.match(gpu, /^#SBATCH --gres=gpu:2$/m);
});

test("an admin's template is used instead, with the same helpers", async (t) => {
  const f = await createBatchFixture(t);
  const out = renderBatchScript(f.plan(task('[run]\ncommand = "true"\n')), "#!/bin/bash\n#SBATCH --time={{sbatch timeLimit}}\necho {{q user}}\n");
  assert.equal(out, "#!/bin/bash\n#SBATCH --time=1:00:00\necho 'alice'\n");
  assert.throws(() => renderBatchScript(f.plan(task('[run]\ncommand = "true"\n')), "{{missing}}"));
});

test("SIGTERM to the job's process group records 143", async (t) => {
  const f = await createBatchFixture(t);
  const file = join(f.root, "job.sh");
  writeFileSync(file, renderBatchScript(f.plan(task('[run]\ncommand = "touch started; sleep 30"\n'))));
  const child = spawn("bash", [file], { detached: true, stdio: "ignore" });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  for (let i = 0; i < 200 && !existsSync(join(f.paths.projectDir, "started")); i++) await sleep(25);
  process.kill(-child.pid!, "SIGTERM");
  assert.equal(await exited, 143);
  assert.equal(readFileSync(f.paths.exitCodeFile, "utf8"), "143\n");
});
