import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { runCli } from "../../../cli/run-cli.js";
import { git, gitEnv, sampleProject, writeFiles } from "../../helpers/action-git.js";
import { cliTestContext } from "../../helpers/cli-test-context.js";

test("validate passes the folder but notes each file the task needs that HEAD lacks, with the git add that fixes it", async (t) => {
  const cli = await cliTestContext(t);
  const env = gitEnv(cli.home);
  const dir = join(cli.work, "proj");
  await git(cli.work, ["init", "--quiet", "--initial-branch=ailab/train", dir], env);
  await writeFiles(dir, sampleProject());
  await git(dir, ["add", "task.toml", "pyproject.toml", "train.py"], env);
  await git(dir, ["commit", "--quiet", "-m", "no lock yet"], env);

  assert.equal(await runCli(["validate", "proj"], cli.ctx), 0, cli.stderr());
  assert.match(cli.stdout(), /^task\.toml: ok$/m);
  assert.equal(cli.stderr(), `note: ${join("proj", "uv.lock")} is not committed, so a push would not have it: git add ${join("proj", "uv.lock")}, then commit\n`);

  await git(dir, ["add", "uv.lock"], env);
  await git(dir, ["commit", "--quiet", "-m", "lock"], env);
  const before = cli.stderr().length;
  assert.equal(await runCli(["validate", "proj"], cli.ctx), 0);
  assert.equal(cli.stderr().slice(before), "");
});
