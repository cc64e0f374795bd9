import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import type { TaskView } from "../../../core/api/types.js";
import type { RelayStore } from "../../../core/relay/relay-store.js";
import { readRunnerInbox, startActionHarness } from "../../helpers/action-harness.js";
import { git, gitEnv, makeProject, sampleProject } from "../../helpers/action-git.js";
import { pushAliceProject } from "../../helpers/action-push.js";
import { tempDir } from "../../helpers/temp-dir.js";

const BAD_TASK = sampleProject()["task.toml"]!.replace('memory = "1G"', 'memory = "lots"');

test("a task.toml with a mistake gives an error status naming the key, and nothing reaches the runner", async (t) => {
  const h = await startActionHarness(t);
  await pushAliceProject(t, h, sampleProject({ "task.toml": BAD_TASK }));

  const [task] = await h.waitForTasks((tasks) => tasks.length === 1);
  assert.equal(task!.state, "error");
  assert.equal(task!.forgeState, "error");
  assert.match(task!.description, /^error: task\.toml: resources\.memory: /);
  assert.deepEqual(await readRunnerInbox(h.relay), []);
  assert.deepEqual(await h.relay.list("objects/"), [], "nothing was uploaded");
});

test("a commit without a task file is an error status too", async (t) => {
  const h = await startActionHarness(t);
  const work = await tempDir(t);
  const env = gitEnv(work, h.tokens.alice);
  const project = join(work, "proj");
  const { ["task.toml"]: _omitted, ...rest } = sampleProject();
  await makeProject(project, rest, env);
  await git(project, ["push", "--quiet", h.gitUrl("alice", "proj"), "HEAD:refs/heads/ailab/nofile"], env);
  const [task] = await h.waitForTasks((tasks) => tasks.length === 1);
  assert.equal(task!.state, "error");
  assert.equal(task!.name, "nofile");
  assert.match(task!.description, /task\.toml or task_config\.toml/);
  assert.deepEqual(await readRunnerInbox(h.relay), []);
});

test("a push is a change of the ref: seen again it is none; re-created after a delete, or moved back, it runs", async (t) => {
  const h = await startActionHarness(t);
  const { env, project, commit: first } = await pushAliceProject(t, h);
  await h.waitForTasks((tasks) => tasks.length === 1);

  // The action restarts and reconciles: the branch is where it was last seen, so nothing new.
  await h.restart();
  assert.equal((await h.waitForTasks((tasks) => tasks.length >= 1)).length, 1);

  // Deleted (its task is cancelled) and pushed again at the same commit: a new push, a new task.
  await git(project, ["push", "--quiet", h.gitUrl("alice", "proj"), ":refs/heads/ailab/train"], env);
  await git(project, ["push", "--quiet", h.gitUrl("alice", "proj"), "HEAD:refs/heads/ailab/train"], env);
  await h.waitForTasks((tasks) => tasks.length === 2);

  // A new commit, then `git reset --hard HEAD~1` and a forced push: going back is a push too.
  await git(project, ["commit", "--quiet", "--allow-empty", "-m", "second"], env);
  await git(project, ["push", "--quiet", h.gitUrl("alice", "proj"), "HEAD:refs/heads/ailab/train"], env);
  await git(project, ["reset", "--quiet", "--hard", "HEAD~1"], env);
  await git(project, ["push", "--quiet", "--force", h.gitUrl("alice", "proj"), "HEAD:refs/heads/ailab/train"], env);
  const tasks = await h.waitForTasks((list) => list.length === 4);
  const newest = [...tasks].sort((a, b) => (a.id < b.id ? 1 : -1))[0]!;
  assert.equal(newest.commit, first, "the newest task runs the commit the branch points at again");
  const kinds = (await readRunnerInbox(h.relay)).map((m) => m.kind);
  assert.equal(kinds.filter((k) => k === "submit").length, 4);
  assert.equal(kinds.filter((k) => k === "cancel").length, 3, "the delete and each newer push cancelled the task before");
});

test("a push made while the action was down is submitted when it starts again", async (t) => {
  const h = await startActionHarness(t);
  const { env, commit } = await pushAliceProject(t, h, sampleProject(), "refs/heads/main");
  await h.action.stop();
  // While it is down, the branch appears in the bare repository by other means.
  const bare = join(h.config.dataDir, "repos", "alice", "proj.git");
  await git(bare, ["update-ref", "refs/heads/ailab/offline", commit], env);
  await h.restart();
  const [task] = await h.waitForTasks((tasks) => tasks.length === 1);
  assert.equal(task!.branch, "ailab/offline");
  assert.equal(task!.state, "submitted");
  assert.equal(task!.user, "alice");
});

test("deleting the branch sends a Cancel for its unfinished task", async (t) => {
  const h = await startActionHarness(t);
  const { env, project } = await pushAliceProject(t, h);
  const [task] = await h.waitForTasks((tasks) => tasks.length === 1);
  await git(project, ["push", "--quiet", h.gitUrl("alice", "proj"), "--delete", "ailab/train"], env);

  const messages = await readRunnerInbox(h.relay);
  assert.deepEqual(
    messages.map((m) => [m.kind, m.taskId]),
    [
      ["submit", task!.id],
      ["cancel", task!.id],
    ],
  );
  const view = await h.waitForTask(task!.id, () => true);
  assert.equal(view.state, "submitted", "the state stays until the runner confirms");
});

test("a push to a branch outside ailab/ makes no task", async (t) => {
  const h = await startActionHarness(t);
  await pushAliceProject(t, h, sampleProject(), "refs/heads/main");
  const { body } = await h.api(h.tokens.alice, "/api/tasks");
  assert.deepEqual((body as { tasks: TaskView[] }).tasks, []);
  assert.deepEqual(await readRunnerInbox(h.relay), []);
});

test("a push made while the relay is down is submitted once it is back; git push itself succeeds", async (t) => {
  let failures = 2;
  const h = await startActionHarness(t, {
    wrapStore: (real) => ({
      ...bind(real),
      put: (key, data, options) => {
        if (key.startsWith("objects/") && failures > 0) {
          failures--;
          return Promise.reject(new Error("relay unreachable"));
        }
        return real.put(key, data, options);
      },
    }),
  });
  await pushAliceProject(t, h);
  assert.deepEqual(await readRunnerInbox(h.relay), [], "nothing sent while the relay fails");
  const [task] = await h.waitForTasks((tasks) => tasks.length === 1);
  assert.equal(task!.state, "submitted");
  assert.deepEqual((await readRunnerInbox(h.relay)).map((m) => m.kind), ["submit"]);
});

function bind(store: RelayStore): RelayStore {
  return {
    put: store.put.bind(store),
    putFile: store.putFile.bind(store),
    get: store.get.bind(store),
    getAtMost: store.getAtMost.bind(store),
    getStream: store.getStream.bind(store),
    has: store.has.bind(store),
    list: store.list.bind(store),
    delete: store.delete.bind(store),
    move: store.move.bind(store),
  };
}
