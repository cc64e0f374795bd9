import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import type { RunnerView, TaskView, WhoAmI } from "../../../core/api/types.js";
import { inboxes } from "../../../core/protocol/mailbox.js";
import { startActionHarness } from "../../helpers/action-harness.js";
import { runGit } from "../../helpers/action-git.js";
import { accounting, gpu, heartbeat, sendHeartbeat, waitForRunners } from "../../helpers/action-heartbeat.js";
import { pushAliceProject } from "../../helpers/action-push.js";

const H100 = "NVIDIA H100 80GB HBM3";

test("whoami shows the caller's accounting from the runners' heartbeats, summed over runners", async (t) => {
  const h = await startActionHarness(t);
  const alice = { tasks: 3, succeeded: 2, failed: 1, gpuHours: 1.25, cpuHours: 5, gpuHoursInPeriod: 0.75, gpuHoursBudget: 10, runningJobs: 1, maxRunningJobs: 1, maxGpus: 1 };
  await sendHeartbeat(h.relay, heartbeat("cluster-a", { scheduler: "slurm", accounting: [accounting("alice", alice), accounting("bob", { tasks: 7 })] }));
  await sendHeartbeat(h.relay, heartbeat("gpu-box", { accounting: [accounting("alice", { ...alice, tasks: 1, gpuHours: 0.25, maxGpus: null })] }));
  await waitForRunners(h, ["cluster-a", "gpu-box"]);

  const { status, body } = await h.api(h.tokens.alice, "/api/whoami");
  assert.equal(status, 200);
  const me = body as WhoAmI;
  assert.equal(me.user, "alice");
  assert.deepEqual(me.accounting, {
    tasks: 4,
    succeeded: 4,
    failed: 2,
    gpuHours: 1.5,
    cpuHours: 10,
    gpuHoursInPeriod: 1.5,
    gpuHoursBudget: 20,
    periodHours: 168,
    runningJobs: 2,
    maxRunningJobs: 2,
    maxGpus: null,
  });
  assert.deepEqual(
    me.accountingByRunner?.map((r) => [r.runner, r.tasks, r.gpuHoursBudget]),
    [
      ["cluster-a", 3, 10],
      ["gpu-box", 1, 10],
    ],
  );
  const bob = (await h.api(h.tokens.bob, "/api/whoami")).body as WhoAmI;
  assert.equal(bob.accounting?.tasks, 7, "each user sees their own");
  const root = (await h.api(h.tokens.root, "/api/whoami")).body as WhoAmI;
  assert.deepEqual(root, { user: "root", admin: true }, "no runner reported root");

  // A later heartbeat replaces that runner's rows.
  await sendHeartbeat(h.relay, heartbeat("gpu-box", { accounting: [], at: Date.now() + 1 }));
  for (let i = 0; i < 200 && ((await h.api(h.tokens.alice, "/api/whoami")).body as WhoAmI).accounting?.tasks !== 3; i++) await sleep(25);
  assert.equal(((await h.api(h.tokens.alice, "/api/whoami")).body as WhoAmI).accounting?.tasks, 3);
});

test("GET /api/runners lists every runner; only admins see which task holds a GPU", async (t) => {
  const h = await startActionHarness(t);
  await sendHeartbeat(
    h.relay,
    heartbeat("cluster-a", { scheduler: "slurm", partitions: ["gpu", "debug"], gpuTypes: ["a100"], totalGpus: 2, freeGpus: 1 }),
  );
  await sendHeartbeat(
    h.relay,
    heartbeat("gpu-box", { gpuTypes: ["h100"], totalGpus: 2, freeGpus: 1, gpus: [gpu(0, H100, "01m86hmyg0-ept1"), gpu(1, H100)] }),
  );
  const asRoot = await waitForRunners(h, ["cluster-a", "gpu-box"]);
  assert.deepEqual(
    asRoot.map((r) => [r.name, r.scheduler, r.partitions, r.gpuTypes, r.totalGpus, r.freeGpus, r.stale]),
    [
      ["cluster-a", "slurm", ["gpu", "debug"], ["a100"], 2, 1, false],
      ["gpu-box", "local", [], ["h100"], 2, 1, false],
    ],
  );
  assert.deepEqual(
    asRoot[1]!.gpus.map((g) => [g.index, g.busy, g.taskId]),
    [
      [0, true, "01m86hmyg0-ept1"],
      [1, false, null],
    ],
  );
  assert.ok(Math.abs(Date.parse(asRoot[0]!.lastSeen) - Date.now()) < 60_000);

  const { status, body } = await h.api(h.tokens.alice, "/api/runners");
  assert.equal(status, 200);
  const box = (body as { runners: RunnerView[] }).runners.find((r) => r.name === "gpu-box")!;
  assert.deepEqual(
    box.gpus.map((g) => [g.index, g.name, g.busy, "taskId" in g]),
    [
      [0, H100, true, false],
      [1, H100, false, false],
    ],
  );
  assert.equal((await h.api(undefined, "/api/runners")).status, 401);
});

test("heartbeats touch no task, status note or inbox entry of their own", async (t) => {
  const h = await startActionHarness(t);
  const { env } = await pushAliceProject(t, h);
  const [task] = await h.waitForTasks((tasks) => tasks.length === 1);
  const bare = join(h.config.dataDir, "repos", "alice", "proj.git");
  const notesRef = async () => (await runGit(bare, ["rev-parse", "--verify", "--quiet", "refs/notes/ailab"], env)).stdout.trim();
  for (let i = 0; i < 200 && (await notesRef()) === ""; i++) await sleep(25);
  const notesBefore = await notesRef();
  assert.notEqual(notesBefore, "", "the submitted status was written as a note");

  for (let i = 0; i < 5; i++) await sendHeartbeat(h.relay, heartbeat("local", { freeGpus: 0, at: Date.now() + i }));
  for (let i = 0; i < 200 && (await h.relay.list(inboxes.action())).length > 0; i++) await sleep(25);
  await waitForRunners(h, ["local"]);
  await sleep(200); // a few more relay cycles

  const after = (await h.api(h.tokens.alice, `/api/tasks/${task!.id}`)).body as TaskView;
  assert.equal(after.updatedAt, task!.updatedAt);
  assert.equal(after.state, "submitted");
  assert.equal(await notesRef(), notesBefore, "no note was rewritten");
});
