import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { runCli } from "../../../cli/run-cli.js";
import type { TaskView } from "../../../core/api/types.js";
import type { Submit } from "../../../core/protocol/messages.js";
import { readRunnerInbox, startActionHarness, type ActionHarness } from "../../helpers/action-harness.js";
import { commitAll, git, gitEnv, makeProject, sampleProject, writeFiles } from "../../helpers/action-git.js";
import { cliTestContext } from "../../helpers/cli-test-context.js";
import { gpu, heartbeat, sendHeartbeat, waitForRunners } from "../../helpers/action-heartbeat.js";
import { tempDir } from "../../helpers/temp-dir.js";

/** The two runners of these tests: a Slurm cluster with two A100s, and a box with one H100 and no Slurm. */
async function twoRunners(h: ActionHarness): Promise<void> {
  await sendHeartbeat(
    h.relay,
    heartbeat("cluster-a", { scheduler: "slurm", partitions: ["gpu", "debug"], gpuTypes: ["a100"], totalGpus: 2, freeGpus: 2 }),
  );
  await sendHeartbeat(h.relay, heartbeat("gpu-box", { gpuTypes: ["h100"], totalGpus: 1, freeGpus: 1, gpus: [gpu(0, "NVIDIA H100 80GB HBM3")] }));
  await waitForRunners(h, ["cluster-a", "gpu-box"]);
}

/** alice's project, pushed once per branch with its own task.toml lines. */
async function aliceProject(h: ActionHarness, t: Parameters<typeof tempDir>[0]) {
  const work = await tempDir(t);
  const env = gitEnv(work, h.tokens.alice);
  const project = join(work, "proj");
  await makeProject(project, sampleProject(), env);
  return async (branch: string, resources: string[], taskLines: string[] = []): Promise<TaskView> => {
    const toml = ["[task]", ...taskLines, "", "[resources]", "cpus = 1", 'memory = "1G"', ...resources, "", "[run]", 'command = "python train.py"', ""];
    await writeFiles(project, { "task.toml": toml.join("\n") });
    const commit = await commitAll(project, branch, env);
    await git(project, ["push", "--quiet", h.gitUrl("alice", "proj"), `HEAD:refs/heads/ailab/${branch}`], env);
    const mine = (v: TaskView) => v.branch === `ailab/${branch}` && v.commit === commit;
    return (await h.waitForTasks((list) => list.some(mine))).find(mine)!;
  };
}

/** Polls a runner's inbox until `check` holds for its messages (kind and task id, oldest first). */
async function waitForInbox(h: ActionHarness, runner: string, check: (messages: string[]) => boolean): Promise<string[]> {
  let last: string[] = [];
  for (const deadline = Date.now() + 15_000; Date.now() < deadline; await sleep(25)) {
    last = (await readRunnerInbox(h.relay, runner)).map((m) => `${m.kind} ${m.taskId}`);
    if (check(last)) return last;
  }
  throw new Error(`${runner}'s inbox never reached the expected state; last seen ${JSON.stringify(last)}`);
}

async function submitsIn(h: ActionHarness, runner: string): Promise<string[]> {
  return (await readRunnerInbox(h.relay, runner)).filter((m): m is Submit => m.kind === "submit").map((m) => m.taskId);
}

test("each task goes to the runner that offers its gpu_type or partition", async (t) => {
  const h = await startActionHarness(t);
  await twoRunners(h);
  const push = await aliceProject(h, t);

  const h100 = await push("h100", ["gpus = 1", 'gpu_type = "h100"']);
  const a100 = await push("a100", ["gpus = 1", 'gpu_type = "A100"']);
  const partition = await push("part", ["gpus = 0", 'partition = "gpu"']);

  assert.deepEqual(await submitsIn(h, "gpu-box"), [h100.id]);
  assert.deepEqual((await submitsIn(h, "cluster-a")).sort(), [a100.id, partition.id].sort());
  assert.deepEqual(await readRunnerInbox(h.relay, "local"), [], "the configured runner gets nothing once runners are known");
  for (const task of [h100, a100, partition]) assert.equal(task.state, "submitted");
  assert.equal((await h.waitForTask(h100.id, () => true)).runner, "gpu-box");
  assert.equal((await h.waitForTask(a100.id, () => true)).runner, "cluster-a");
});

test("a task no runner can run is an error status naming what it asked for and what exists; nothing is sent", async (t) => {
  const h = await startActionHarness(t);
  await twoRunners(h);
  const push = await aliceProject(h, t);

  const v100 = await push("v100", ["gpus = 1", 'gpu_type = "v100"']);
  assert.equal(v100.state, "error");
  assert.equal(v100.forgeState, "error");
  assert.equal(v100.description, 'error: no runner offers gpu_type "v100": runners offer a100 (cluster-a), h100 (gpu-box)');

  const pinned = await push("pinned", ["gpus = 1", 'gpu_type = "h100"'], ['cluster = "cluster-a"']);
  assert.equal(pinned.state, "error");
  assert.equal(pinned.description, 'error: cluster "cluster-a" does not offer gpu_type "h100": it offers a100');

  const nowhere = await push("nowhere", ["gpus = 0"], ['cluster = "cluster-b"']);
  assert.equal(nowhere.description, 'error: no runner named "cluster-b": runners are cluster-a, gpu-box');

  for (const runner of ["cluster-a", "gpu-box", "local"]) assert.deepEqual(await readRunnerInbox(h.relay, runner), [], `nothing in ${runner}'s inbox`);
  const shown = await h.waitForTask(v100.id, (v) => v.state === "error");
  assert.equal(shown.runner, undefined, "an error task was sent nowhere");
});

test("with no heartbeat ever, the configured runner gets the task whatever it asks for", async (t) => {
  const h = await startActionHarness(t);
  const push = await aliceProject(h, t);
  const task = await push("h100", ["gpus = 1", 'gpu_type = "h100"']);
  assert.equal(task.state, "submitted");
  assert.deepEqual(await submitsIn(h, "local"), [task.id]);
  assert.equal((await h.waitForTask(task.id, () => true)).runner, "local");
});

test("cancel goes to the runner the task was sent to", async (t) => {
  const h = await startActionHarness(t);
  await twoRunners(h);
  const push = await aliceProject(h, t);
  const task = await push("h100", ["gpus = 1", 'gpu_type = "h100"']);

  const { status } = await h.api(h.tokens.alice, `/api/tasks/${task.id}/cancel`, { method: "POST" });
  assert.equal(status, 202);
  const kinds = await waitForInbox(h, "gpu-box", (messages) => messages.length >= 2);
  assert.deepEqual(kinds, [`submit ${task.id}`, `cancel ${task.id}`]);
  assert.deepEqual(await readRunnerInbox(h.relay, "cluster-a"), []);
  assert.deepEqual(await readRunnerInbox(h.relay, "local"), []);

  // A newer push to the same branch supersedes the task: that cancel too goes to gpu-box, the new task to cluster-a.
  const second = await push("h100", ["gpus = 0", 'partition = "debug"']);
  assert.deepEqual(await submitsIn(h, "cluster-a"), [second.id]);
  assert.equal((await readRunnerInbox(h.relay, "cluster-a")).filter((m) => m.kind === "cancel").length, 0);
});

test("a project whose requires-python or .python-version no runner has is refused at push time, naming the versions runners have", async (t) => {
  const h = await startActionHarness(t);
  await sendHeartbeat(h.relay, heartbeat("cluster-a", { scheduler: "slurm", partitions: ["gpu"], pythons: ["3.12.4", "3.11.7"] }));
  await sendHeartbeat(h.relay, heartbeat("gpu-box", { pythons: ["3.10.13"] }));
  await waitForRunners(h, ["cluster-a", "gpu-box"]);
  const work = await tempDir(t);
  const env = gitEnv(work, h.tokens.alice);
  const project = join(work, "proj");
  await makeProject(project, sampleProject(), env);
  const push = async (branch: string, files: Record<string, string>): Promise<TaskView> => {
    await writeFiles(project, files);
    const commit = await commitAll(project, branch, env);
    await git(project, ["push", "--quiet", h.gitUrl("alice", "proj"), `HEAD:refs/heads/ailab/${branch}`], env);
    const mine = (v: TaskView) => v.branch === `ailab/${branch}` && v.commit === commit;
    return (await h.waitForTasks((list) => list.some(mine))).find(mine)!;
  };
  // A pyproject asking for `requires`, with the uv.lock `uv lock` writes for it (a stale lock is refused before runners are asked).
  const pyproject = (requires: string) => ({
    "pyproject.toml": `[project]\nname = "tiny"\nversion = "0.1.0"\nrequires-python = "${requires}"\ndependencies = []\n`,
    "uv.lock": `version = 1\nrevision = 5\nrequires-python = "${requires}"\n\n[[package]]\nname = "tiny"\nversion = "0.1.0"\nsource = { virtual = "." }\n`,
  });

  const tooNew = await push("py313", pyproject(">=3.13"));
  assert.equal(tooNew.state, "error");
  assert.equal(tooNew.description, 'error: no runner offers Python for requires-python ">=3.13": runners offer 3.12.4/3.11.7 (cluster-a), 3.10.13 (gpu-box)');
  // ailab validate, logged in, says the same before any push, from the runners' last heartbeats.
  const cli = await cliTestContext(t, { env: { AILAB_TOKEN: h.tokens.alice } });
  assert.equal(await runCli(["login", h.url], cli.ctx), 0, cli.stderr());
  const before = cli.stderr().length;
  assert.equal(await runCli(["validate", project], cli.ctx), 1);
  assert.equal(cli.stderr().slice(before), `${tooNew.description}\n`);

  const pinned = await push("py39", { ...pyproject(">=3.8"), ".python-version": "3.9\n" });
  assert.equal(pinned.description, 'error: no runner offers Python for requires-python ">=3.8" and .python-version "3.9": runners offer 3.12.4/3.11.7 (cluster-a), 3.10.13 (gpu-box)');

  const fits = await push("py310", { ...pyproject(">=3.8"), ".python-version": "3.10\n" });
  assert.equal(fits.state, "submitted", fits.description);
  assert.equal(await runCli(["validate", project], cli.ctx), 0, cli.stderr());
  assert.deepEqual(await submitsIn(h, "gpu-box"), [fits.id]);
  assert.deepEqual(await submitsIn(h, "cluster-a"), []);
});
