import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { describeIssues } from "../../../action/submit/describe-issues.js";
import { planTask } from "../../../action/submit/plan-task.js";
import { readBlobBytes, readCommitTree } from "../../../action/submit/read-commit-tree.js";
import { formatError, runCli } from "../../../cli/run-cli.js";
import { TaskFileError } from "../../../core/task/parse-task-file.js";
import { git, gitEnv } from "../../helpers/action-git.js";
import { BAD_PROJECTS, writeBadProject } from "../../helpers/bad-projects.js";
import { cliTestContext } from "../../helpers/cli-test-context.js";

/**
 * `ailab validate` is meant to give the server's verdict before the push.
 * Each bad project of the corpus is committed for real on the branch
 * ailab/train, then judged twice: by `validate` over the work tree, and by
 * the action's planTask over the commit's tree as a push reads it (in-process
 * from the repository, as submitPush does). Both must refuse it, word for word.
 */
test("validate and the action give every bad project the same verdict in the same words", async (t) => {
  const cli = await cliTestContext(t);
  const env = gitEnv(cli.home);
  const dir = join(cli.work, "proj");
  await git(cli.work, ["init", "--quiet", "--initial-branch=ailab/train", dir], env);
  for (const project of BAD_PROJECTS) {
    await writeBadProject(dir, project, true);
    await git(dir, ["add", "-A"], env);
    await git(dir, ["commit", "--quiet", "--allow-empty", "-m", project.name], env);
    const commit = await git(dir, ["rev-parse", "HEAD"], env);

    const cache = {};
    const gitdir = join(dir, ".git");
    const tree = await readCommitTree(gitdir, commit, cache);
    const plan = await planTask(tree, "ailab/train", (file) => readBlobBytes(gitdir, file.oid, cache));
    assert.equal(plan.ok, false, `${project.name}: the action accepted it`);
    const action = formatError(new TaskFileError(plan.ok ? [] : plan.issues));
    // The commit status quotes the first issue; a 100 KB value must not make it 100 KB long.
    assert.ok(describeIssues(plan.ok ? [] : plan.issues).length < 600, `${project.name}: a long status line`);

    const before = cli.stderr().length;
    assert.equal(await runCli(["validate", dir], cli.ctx), 1, `${project.name}: validate accepted it`);
    assert.equal(cli.stderr().slice(before), action, project.name);
  }
});
