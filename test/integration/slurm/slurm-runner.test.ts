import { test } from "node:test";
import assert from "node:assert/strict";
import type { Completion } from "../../../core/protocol/messages.js";
import { readArchive } from "../../helpers/runner-artifacts.js";
import { publishProject, sendToRunner, taskToml } from "../../helpers/runner-project.js";
import { createRunnerWorld, TEST_RUNNER, TEST_SECRET } from "../../helpers/runner-world.js";
import { requireSlurm, scancelByPrefix } from "../../helpers/slurm-cluster.js";
import { slurmJobsNamed, slurmNodes } from "../../helpers/slurm-jobs.js";

// The real runner (in-process, real uv, a directory relay) with --scheduler
// slurm against the one-node test cluster (two fake a100 GPUs) that
// scripts/slurm-test-cluster.sh starts. The tests in this file run one after
// another: the node has only two GPUs.

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

test("three one-GPU tasks on the two-GPU node: two are released to Slurm, the third waits in the runner's queue until a GPU is free; all three succeed", async (t) => {
  if (!requireSlurm(t)) return;
  const world = await createRunnerWorld(t);
  const project = await publishProject(t, world.store, {
    "task.toml": taskToml(["echo gpus=${SLURM_GPUS_ON_NODE:-none} node=$SLURMD_NODENAME", "sleep 8", "echo finished"], { gpus: 1, gpuType: "a100" }),
  });
  const submits = [project.submit(), project.submit(), project.submit()];
  for (const submit of submits) t.after(() => scancelByPrefix(`ailab-${submit.taskId}`));
  await world.start({ scheduler: "slurm" });
  for (const submit of submits) await sendToRunner(world.store, TEST_SECRET, TEST_RUNNER, submit);

  const done: Completion[] = [];
  for (const submit of submits) done.push(await world.inbox.completion(submit.taskId, 180_000));
  for (const completion of done) assert.equal(completion.state, "success", completion.description);

  // The runner, not Slurm's queue, held the third back: released (building) only once one of the others had ended.
  const card = (id: string) => done.find((c) => c.taskId === id)!.runCard;
  const building = (id: string) => world.inbox.events(id).find((e) => e.state === "building")!.at;
  const [waiter, ...others] = [...submits].sort((a, b) => building(b.taskId) - building(a.taskId));
  const firstEnd = Math.min(...others.map((s) => Date.parse(card(s.taskId).endedAt!)));
  assert.ok(building(waiter!.taskId) >= firstEnd, `the third was released after the first end: ${JSON.stringify(submits.map((s) => world.inbox.events(s.taskId).map((e) => e.description)))}`);
  assert.ok(Date.parse(card(waiter!.taskId).startedAt!) >= firstEnd, JSON.stringify([card(waiter!.taskId), ...others.map((s) => card(s.taskId))]));
  const events = world.inbox.events(waiter!.taskId).map((e) => `${e.state}: ${e.description}`);
  assert.deepEqual(events.slice(0, 2), ["queued: queued", "building: using cached environment"], events.join("\n"));

  const nodes = slurmNodes();
  for (const completion of done) {
    const { runCard } = completion;
    assert.equal(runCard.scheduler, "slurm");
    assert.match(runCard.jobId ?? "", /^\d+$/);
    assert.ok(runCard.node !== null && nodes.includes(runCard.node), `node ${runCard.node} is one of ${nodes.join(", ")}`);
    assert.match(runCard.startedAt ?? "", ISO);
    assert.match(runCard.endedAt ?? "", ISO);
    assert.ok(Date.parse(runCard.endedAt!) - Date.parse(runCard.startedAt!) >= 7000, "start and end are the job's, from Slurm");
    assert.deepEqual(slurmJobsNamed(`ailab-${completion.taskId}`).map((j) => j.arrayJobId), [runCard.jobId], "Slurm saw one job");
    const log = (await readArchive(world.store, completion, "logs.tar.gz", world.root)).get("job.log") ?? "";
    assert.match(log, /^gpus=1 node=\S+$/m, "Slurm handed the job one GPU");
  }
  assert.equal(new Set(done.map((c) => c.runCard.jobId)).size, 3);
});

test("a 2×3 sweep is one sbatch: one array job of six elements, and its artifacts hold six result sets", async (t) => {
  if (!requireSlurm(t)) return;
  const world = await createRunnerWorld(t);
  const project = await publishProject(t, world.store, {
    "task.toml": taskToml(["mkdir -p output", "echo lr={lr} seed={seed} index=$AILAB_SWEEP_INDEX > output/params.txt", "sleep 3"], {
      results: ["output"],
      extra: '[sweep]\nlr = [0.1, 0.01]\nseed = "1..3"',
    }),
  });
  const submit = project.submit();
  t.after(() => scancelByPrefix(`ailab-${submit.taskId}`));
  await world.start({ scheduler: "slurm" });
  await sendToRunner(world.store, TEST_SECRET, TEST_RUNNER, submit);
  const done = await world.inbox.completion(submit.taskId, 180_000);
  assert.equal(done.state, "success", done.description);
  assert.match(done.description, /· 6 runs$/);

  const elements = slurmJobsNamed(`ailab-${submit.taskId}`);
  assert.equal(elements.length, 6, JSON.stringify(elements));
  assert.deepEqual([...new Set(elements.map((e) => e.arrayJobId))], [done.runCard.jobId], "one array job");
  assert.deepEqual(elements.map((e) => e.arrayIndex).sort(), ["0", "1", "2", "3", "4", "5"]);

  const results = await readArchive(world.store, done, "results.tar.gz", world.root);
  const expected = [
    [0.1, 1],
    [0.1, 2],
    [0.1, 3],
    [0.01, 1],
    [0.01, 2],
    [0.01, 3],
  ];
  for (const [index, [lr, seed]] of expected.entries()) {
    assert.equal(results.get(`${index}/output/params.txt`), `lr=${lr} seed=${seed} index=${index}\n`, `result set ${index}`);
  }
  assert.equal([...results.keys()].length, 6);
  assert.deepEqual(done.runCard.runs?.map((r) => [r.index, r.exitCode]), expected.map((_, i) => [i, 0]));
  const running = world.inbox.events(submit.taskId).filter((e) => e.state === "running").map((e) => e.description);
  assert.ok(running.some((d) => /^running \d+:\d\d:\d\d · \d of 6 done/.test(d)), running.join("\n"));
});

test("a job over its time limit ends as failure 'time limit reached'; a cancelled running job is gone from squeue and ends cancelled", async (t) => {
  if (!requireSlurm(t)) return;
  const world = await createRunnerWorld(t);
  const slow = await publishProject(t, world.store, { "task.toml": taskToml(["echo started", "sleep 600"], { timeLimit: "1" }) });
  const overTime = slow.submit();
  const cancelled = slow.submit();
  for (const submit of [overTime, cancelled]) t.after(() => scancelByPrefix(`ailab-${submit.taskId}`));
  await world.start({ scheduler: "slurm" });
  await sendToRunner(world.store, TEST_SECRET, TEST_RUNNER, overTime);
  await sendToRunner(world.store, TEST_SECRET, TEST_RUNNER, cancelled);

  await world.inbox.until(() => world.inbox.events(cancelled.taskId).some((e) => e.state === "running"), 60_000, "the job to run");
  assert.deepEqual(slurmJobsNamed(`ailab-${cancelled.taskId}`, "active").map((j) => j.state), ["RUNNING"]);
  await sendToRunner(world.store, TEST_SECRET, TEST_RUNNER, { kind: "cancel", taskId: cancelled.taskId, reason: "stopped by alice" });
  const stopped = await world.inbox.completion(cancelled.taskId, 60_000);
  assert.equal(stopped.state, "cancelled");
  assert.equal(stopped.description, "cancelled: stopped by alice");
  assert.deepEqual(slurmJobsNamed(`ailab-${cancelled.taskId}`, "active"), [], "gone from squeue's active jobs");
  assert.deepEqual(slurmJobsNamed(`ailab-${cancelled.taskId}`).map((j) => j.state), ["CANCELLED"]);

  const timedOut = await world.inbox.completion(overTime.taskId, 240_000);
  assert.equal(timedOut.state, "failure");
  assert.equal(timedOut.description, "time limit reached");
  assert.deepEqual(slurmJobsNamed(`ailab-${overTime.taskId}`).map((j) => j.state), ["TIMEOUT"]);
  const ran = Date.parse(timedOut.runCard.endedAt!) - Date.parse(timedOut.runCard.startedAt!);
  assert.ok(ran >= 60_000 && ran < 180_000, `ran ${ran} ms against a one-minute limit`);
});

test("a task naming a partition the admin does not allow fails with an error listing those allowed; one naming none goes to the admin's first", async (t) => {
  if (!requireSlurm(t)) return;
  const world = await createRunnerWorld(t);
  const elsewhere = await publishProject(t, world.store, { "task.toml": taskToml(["echo hi"]).replace("[run]", 'partition = "gpu"\n[run]') });
  const anywhere = await publishProject(t, world.store, { "task.toml": taskToml(["echo hi"]) });
  const refused = elsewhere.submit();
  const placed = anywhere.submit();
  t.after(() => scancelByPrefix(`ailab-${placed.taskId}`));
  await world.start({ scheduler: "slurm", partitions: "debug" });
  await sendToRunner(world.store, TEST_SECRET, TEST_RUNNER, refused);
  await sendToRunner(world.store, TEST_SECRET, TEST_RUNNER, placed);
  const no = await world.inbox.completion(refused.taskId, 60_000);
  assert.equal(no.state, "error");
  assert.equal(no.description, 'partition "gpu" is not allowed here; allowed: debug');
  assert.deepEqual(slurmJobsNamed(`ailab-${refused.taskId}`), [], "nothing reached Slurm");
  const yes = await world.inbox.completion(placed.taskId, 60_000);
  assert.equal(yes.state, "success", yes.description);
  assert.deepEqual(slurmJobsNamed(`ailab-${placed.taskId}`).map((j) => j.partition), ["debug"]);
});

test("a job Slurm refuses (more GPUs than any node has) ends with an error in sbatch's words, submitted once", async (t) => {
  if (!requireSlurm(t)) return;
  const world = await createRunnerWorld(t);
  const project = await publishProject(t, world.store, { "task.toml": taskToml(["echo never"], { gpus: 3 }) });
  const submit = project.submit();
  t.after(() => scancelByPrefix(`ailab-${submit.taskId}`));
  await world.start({ scheduler: "slurm" });
  await sendToRunner(world.store, TEST_SECRET, TEST_RUNNER, submit);
  const done = await world.inbox.completion(submit.taskId, 60_000);
  assert.equal(done.state, "error", done.description);
  assert.match(done.description, /^sbatch failed: .*(Requested node configuration is not available|Invalid generic resource)/);
  // Slurm keeps a FAILED record of the refused submission, once; nothing ran.
  assert.ok(["[]", '["FAILED"]'].includes(JSON.stringify(slurmJobsNamed(`ailab-${submit.taskId}`).map((j) => j.state))));
});
