import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { runCli } from "../../../cli/run-cli.js";
import { sampleProject, writeFiles } from "../../helpers/action-git.js";
import { cliTestContext } from "../../helpers/cli-test-context.js";

/** The pyproject.toml and uv.lock a task needs beside it. */
function writeEnvFiles(dir: string): Promise<void> {
  const { ["pyproject.toml"]: pyproject, ["uv.lock"]: lock } = sampleProject();
  return writeFiles(dir, { "pyproject.toml": pyproject!, "uv.lock": lock! });
}

test("init writes task.toml and .ailabignore, which validate accepts", async (t) => {
  const cli = await cliTestContext(t);
  await writeFile(join(cli.work, "train.py"), "print('hi')\n");
  await writeEnvFiles(cli.work);
  assert.equal(await runCli(["init"], cli.ctx), 0);
  assert.match(await readFile(join(cli.work, "task.toml"), "utf8"), /command = "python train.py"/);
  assert.match(await readFile(join(cli.work, ".ailabignore"), "utf8"), /gitignore syntax/);
  assert.equal(await runCli(["validate"], cli.ctx), 0, cli.stderr());
  assert.match(cli.stdout(), /^task\.toml: ok$/m);
  assert.match(cli.stdout(), /runs:\s+python train\.py/);
});

test("init keeps existing files unless --force", async (t) => {
  const cli = await cliTestContext(t);
  await writeFile(join(cli.work, "task.toml"), "# mine\n");
  assert.equal(await runCli(["init"], cli.ctx), 0); // .ailabignore was still missing
  assert.equal(await readFile(join(cli.work, "task.toml"), "utf8"), "# mine\n");
  assert.match(cli.stderr(), /kept the existing task\.toml/);
  assert.equal(await runCli(["init"], cli.ctx), 1); // nothing left to write
  assert.match(cli.stderr(), /already exist.*--force/);
  assert.equal(await runCli(["init", "--force"], cli.ctx), 0);
  assert.match(await readFile(join(cli.work, "task.toml"), "utf8"), /\[run\]/);
});

test("init makes a .gitignore with results/, so that git add -A does not commit pulled results", async (t) => {
  const cli = await cliTestContext(t);
  assert.equal(await runCli(["init"], cli.ctx), 0);
  assert.equal(await readFile(join(cli.work, ".gitignore"), "utf8"), "# ailab pull puts task results here\nresults/\n");
  assert.match(cli.stderr(), /^wrote \.gitignore$/m);
  // The real git agrees: a pulled result is ignored.
  await mkdir(join(cli.work, "results", "0123456789-abcd"), { recursive: true });
  await writeFile(join(cli.work, "results", "0123456789-abcd", "run.json"), "{}\n");
  execFileSync("git", ["init", "-q"], { cwd: cli.work });
  const ignored = execFileSync("git", ["status", "--porcelain", "--ignored", "--untracked-files=all"], { cwd: cli.work, encoding: "utf8" });
  assert.match(ignored, /^!! results\/0123456789-abcd\/run\.json$/m);
  assert.doesNotMatch(ignored, /^\?\? results/m);
});

test("init adds results/ to an existing .gitignore once, keeping what is there", async (t) => {
  const cli = await cliTestContext(t);
  await writeFile(join(cli.work, ".gitignore"), "*.pyc\n.venv/"); // no newline at the end
  assert.equal(await runCli(["init"], cli.ctx), 0);
  assert.equal(await readFile(join(cli.work, ".gitignore"), "utf8"), "*.pyc\n.venv/\n\n# ailab pull puts task results here\nresults/\n");
  assert.match(cli.stderr(), /^added results\/ to \.gitignore$/m);
  assert.equal(await runCli(["init", "--force"], cli.ctx), 0);
  assert.equal((await readFile(join(cli.work, ".gitignore"), "utf8")).match(/results/g)?.length, 2, "the comment and one entry, not another pair");
  for (const form of ["results", "/results/", "results/**"]) {
    await writeFile(join(cli.work, ".gitignore"), `${form}\r\n`);
    assert.equal(await runCli(["init", "--force"], cli.ctx), 0);
    assert.equal(await readFile(join(cli.work, ".gitignore"), "utf8"), `${form}\r\n`, `${form} already ignores results/`);
  }
});

test("init does not add a task.toml beside an existing task_config.toml", async (t) => {
  const cli = await cliTestContext(t);
  await writeFile(join(cli.work, "task_config.toml"), '[run]\ncommands = ["python x.py"]\n');
  assert.equal(await runCli(["init"], cli.ctx), 0);
  await assert.rejects(readFile(join(cli.work, "task.toml")), { code: "ENOENT" });
});

test("validate lists every problem as file: key: message and exits 1", async (t) => {
  const cli = await cliTestContext(t);
  await writeFile(
    join(cli.work, "task.toml"),
    '[task]\nname = "ok"\n[resources]\ngpus = "two"\nmemory = "lots"\ncolour = "red"\n[run]\ncommand = "python train.py"\n',
  );
  assert.equal(await runCli(["validate"], cli.ctx), 1);
  const lines = cli.stderr().split("\n").filter((l) => l.startsWith("  task.toml: "));
  assert.ok(lines.some((l) => l.startsWith("  task.toml: resources.gpus: ")), cli.stderr());
  assert.ok(lines.some((l) => l.startsWith("  task.toml: resources.memory: ")), cli.stderr());
  assert.ok(lines.some((l) => l.startsWith("  task.toml: resources.colour: ")), cli.stderr());
  assert.equal(cli.stdout(), "");
});

test("validate without a task file says how to make one", async (t) => {
  const cli = await cliTestContext(t);
  assert.equal(await runCli(["validate"], cli.ctx), 1);
  assert.match(cli.stderr(), /ailab init/);
});

test("validate --render prints the batch script with labelled placeholders", async (t) => {
  const cli = await cliTestContext(t);
  await writeFile(join(cli.work, "task.toml"), '[task]\nname = "demo"\n[resources]\ngpus = 1\n[run]\ncommand = "python train.py"\n');
  await writeEnvFiles(cli.work);
  assert.equal(await runCli(["validate", "--render"], cli.ctx), 0, cli.stderr());
  assert.match(cli.stdout(), /^#!\/bin\/bash/);
  assert.match(cli.stdout(), /^#SBATCH --gres=gpu:1$/m);
  assert.match(cli.stdout(), /^#SBATCH --comment=you$/m);
  assert.match(cli.stdout(), /\/AILAB_JOB_DIR\/project/);
  assert.match(cli.stderr(), /Placeholders: \/AILAB_JOB_DIR is the job's folder/);
});

test("validate --json prints the normalised task; the name comes from the folder outside git", async (t) => {
  const cli = await cliTestContext(t);
  await writeFile(join(cli.work, "task.toml"), '[run]\ncommand = "python train.py"\n');
  await writeEnvFiles(cli.work);
  assert.equal(await runCli(["validate", "--json"], cli.ctx), 0, cli.stderr());
  const task = JSON.parse(cli.stdout()) as { name: string; run: { commands: string[] } };
  assert.equal(task.name, "work");
  assert.deepEqual(task.run.commands, ["python train.py"]);
});
