import assert from "node:assert/strict";
import { test, type TestContext } from "node:test";
import { readRunnerInbox, startActionHarness } from "../../helpers/action-harness.js";
import { commitAll, git, sampleProject, writeFiles } from "../../helpers/action-git.js";
import { pushAliceProject } from "../../helpers/action-push.js";

// A newer push to the same branch cancels the older, unfinished task, unless
// the new commit's task.toml says `supersede = false`.

async function pushTwice(t: TestContext, taskToml: string) {
  const h = await startActionHarness(t);
  const { env, project } = await pushAliceProject(t, h, sampleProject({ "task.toml": taskToml }));
  const [first] = await h.waitForTasks((tasks) => tasks.length === 1);
  await writeFiles(project, { "train.py": "print('second version')\n" });
  await commitAll(project, "second version", env);
  await git(project, ["push", "--quiet", h.gitUrl("alice", "proj"), "HEAD:refs/heads/ailab/train"], env);
  await h.waitForTasks((tasks) => tasks.length === 2);
  return { h, first: first! };
}

test("a newer push to the same branch cancels the older unfinished task", async (t) => {
  const { h, first } = await pushTwice(t, sampleProject()["task.toml"]!);
  const inbox = await readRunnerInbox(h.relay);
  const cancels = inbox.filter((m) => m.kind === "cancel");
  assert.equal(cancels.length, 1);
  assert.equal(cancels[0]!.taskId, first.id);
  assert.match(cancels[0]!.kind === "cancel" ? cancels[0]!.reason : "", /^superseded by [0-9a-f]{12} \(task /);
});

test("with supersede = false both pushes run", async (t) => {
  const toml = sampleProject()["task.toml"]!.replace("[task]\n", "[task]\nsupersede = false\n");
  assert.match(toml, /supersede = false/);
  const { h } = await pushTwice(t, toml);
  const inbox = await readRunnerInbox(h.relay);
  assert.deepEqual(inbox.map((m) => m.kind), ["submit", "submit"]);
});
