import assert from "node:assert/strict";
import { test } from "node:test";
import { checkTasks } from "../../../bench/webhook-ingest/check-tasks.js";
import { summariseAcks } from "../../../bench/webhook-ingest/latency-summary.js";
import { withNewIds } from "../../../bench/webhook-ingest/send-deliveries.js";

// The webhook-ingest bench exits 1 on what these count; a verdict that
// cannot see a lost or doubled task would make its "200 tasks" say nothing.

const commits = new Map([
  ["ailab/run-000", "a".repeat(40)],
  ["ailab/run-001", "b".repeat(40)],
  ["ailab/run-002", "c".repeat(40)],
]);

test("one task per branch at its commit is neither lost nor doubled", () => {
  const tasks = [...commits].map(([branch, commit]) => ({ branch, commit }));
  assert.deepEqual(checkTasks(commits, tasks), { tasks: 3, lost: [], extra: 0 });
});

test("a branch without a task is lost, a second task for a push is doubled, a task at another commit is both", () => {
  const tasks = [
    { branch: "ailab/run-000", commit: "a".repeat(40) },
    { branch: "ailab/run-000", commit: "a".repeat(40) },
    { branch: "ailab/run-002", commit: "d".repeat(40) },
  ];
  assert.deepEqual(checkTasks(commits, tasks), { tasks: 3, lost: ["ailab/run-001", "ailab/run-002"], extra: 2 });
});

test("ack percentiles are nearest-rank, and anything but a 202 (or no answer) is refused", () => {
  const acks = Array.from({ length: 20 }, (_, i) => ({ status: i === 3 ? 500 : i === 7 ? 0 : 202, ms: i + 1, sentAt: 0 }));
  assert.deepEqual(summariseAcks(acks), { p50: 10, p95: 19, max: 20, refused: 2 });
});

test("a replay gets a new id in every delivery header and keeps the signed body and its signatures", () => {
  const headers = { "X-Gitea-Delivery": "old", "X-Gogs-Delivery": "old", "X-GitHub-Delivery": "old", "X-Gitea-Signature": "f00d", "X-Gitea-Event": "push" };
  const [replay] = withNewIds([{ headers, body: "{}" }], () => "new");
  assert.deepEqual(replay, {
    headers: { "X-Gitea-Delivery": "new", "X-Gogs-Delivery": "new", "X-GitHub-Delivery": "new", "X-Gitea-Signature": "f00d", "X-Gitea-Event": "push" },
    body: "{}",
  });
});
