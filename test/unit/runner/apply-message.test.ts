import { test } from "node:test";
import assert from "node:assert/strict";
import { systemClock } from "../../../core/clock.js";
import { silentLogger } from "../../../core/logger.js";
import { openEnvelope } from "../../../core/protocol/envelope.js";
import { TaskEvent, type Submit } from "../../../core/protocol/messages.js";
import { applyMessage } from "../../../runner-agent/apply-message.js";
import { Outbox } from "../../../runner-agent/outbox.js";
import { openRunnerDb } from "../../../runner-agent/runner-db.js";
import { getTask } from "../../../runner-agent/task-rows.js";

const SECRET = "unit-test-secret-0123456789";
const TASK = {
  name: "demo",
  resources: { gpus: 0, cpus: 1, memory: "1G", timeLimit: "10" },
  environment: { pyproject: "pyproject.toml", lockfile: "uv.lock", extraWheels: [], env: {} },
  files: { ignore: [], datasets: [], download: [], upload: [{ local: ".", remote: "." }] },
  run: { workdir: ".", commands: ["true"], results: [], logs: [] },
};

function submit(taskId: string): Submit {
  return { kind: "submit", taskId, user: "alice", repo: "alice/demo", branch: "ailab/demo", commit: "a".repeat(40), task: TASK, tree: "b".repeat(64), env: "c".repeat(64), submittedAt: 0 };
}

function fresh() {
  const db = openRunnerDb(":memory:");
  const outbox = new Outbox(db, SECRET, systemClock);
  const apply = (id: string, body: Submit | { kind: "cancel"; taskId: string; reason: string }) => applyMessage(db, outbox, { key: `k/${id}`, id, body }, 1000, silentLogger);
  const events = () =>
    (db.prepare("SELECT bytes FROM outbox ORDER BY created, rowid").all() as { bytes: Buffer }[]).map((r) => openEnvelope(r.bytes, SECRET, TaskEvent).body);
  return { db, apply, events };
}

test("a submit queues the task once, whether the message or the task comes again", () => {
  const { db, apply, events } = fresh();
  apply("m1", submit("0000000001-aaaa"));
  apply("m1", submit("0000000001-aaaa"));
  apply("m2", submit("0000000001-aaaa"));
  assert.equal(getTask(db, "0000000001-aaaa")?.state, "queued");
  assert.deepEqual(events().map((e) => [e.taskId, e.seq, e.state, e.description]), [["0000000001-aaaa", 0, "queued", "queued"]]);
});

test("a cancel ends a queued task at once, marks an active one, and leaves a tombstone for one not seen yet", () => {
  const { db, apply } = fresh();
  apply("m1", submit("0000000001-aaaa"));
  apply("m2", { kind: "cancel", taskId: "0000000001-aaaa", reason: "by alice" });
  const cancelled = getTask(db, "0000000001-aaaa")!;
  assert.equal(cancelled.state, "collecting");
  assert.equal(cancelled.outcome, "cancelled");
  assert.equal(cancelled.outcomeDescription, "cancelled: by alice");

  apply("m3", submit("0000000002-bbbb"));
  db.prepare("UPDATE tasks SET state = 'running' WHERE id = ?").run("0000000002-bbbb");
  apply("m4", { kind: "cancel", taskId: "0000000002-bbbb", reason: "" });
  const running = getTask(db, "0000000002-bbbb")!;
  assert.equal(running.state, "running", "the loop stops the job, then moves it on");
  assert.equal(running.cancelRequested, true);

  apply("m5", { kind: "cancel", taskId: "0000000003-cccc", reason: "superseded" });
  apply("m6", submit("0000000003-cccc"));
  const late = getTask(db, "0000000003-cccc")!;
  assert.equal(late.state, "collecting");
  assert.equal(late.outcomeDescription, "cancelled: superseded");
});
