import assert from "node:assert/strict";
import { test } from "node:test";
import { openActionDb } from "../../../../action/action-db.js";
import { listUnsentUpdates, markUpdateSent, PROGRESS_INTERVAL_MS } from "../../../../action/forge/forge-outbox.js";
import { insertTask, updateTaskState } from "../../../../action/tasks/task-store.js";
import { tempDir } from "../../../helpers/temp-dir.js";

const at = (ms: number) => new Date(ms).toISOString();
const base = { id: "t-1", user: "alice", repo: "alice/p", branch: "ailab/train", commit: "a".repeat(40), name: "train" };

test("every state change is queued in order, progress is coalesced and held back, an ended task gets its release", async (t) => {
  const db = openActionDb(await tempDir(t));
  t.after(() => db.close());
  insertTask(db, { ...base, state: "submitted", description: "submitted", now: at(0) });
  updateTaskState(db, "t-1", { state: "queued", description: "queued: 2nd in line", now: at(1000) });
  updateTaskState(db, "t-1", { state: "queued", description: "queued: 1st in line", now: at(2000) });
  updateTaskState(db, "t-1", { state: "running", description: "running 0:00:01", now: at(3000) });
  assert.deepEqual(
    listUnsentUpdates(db).map((u) => [u.kind, u.taskState, u.description]),
    [
      ["status", "submitted", "submitted"],
      ["status", "queued", "queued: 1st in line"],
      ["status", "running", "running 0:00:01"],
    ],
    "the queued place changed before it was sent: one row, the latest text",
  );
  for (const u of listUnsentUpdates(db)) markUpdateSent(db, u.id, 3000);

  updateTaskState(db, "t-1", { state: "running", description: "running 0:00:05 · Epoch 1/10", now: at(4000) });
  const [progress] = listUnsentUpdates(db);
  assert.equal(progress!.notBefore, 3000 + PROGRESS_INTERVAL_MS, "a progress update waits for the interval after the last one sent");
  updateTaskState(db, "t-1", { state: "success", description: "exit code 0", now: at(5000) });
  assert.deepEqual(
    listUnsentUpdates(db).map((u) => [u.kind, u.taskState, u.notBefore]),
    [
      ["status", "running", 0],
      ["status", "success", 0],
      ["release", "success", 0],
    ],
    "the end is not held back behind a progress update, and that update goes first",
  );
  updateTaskState(db, "t-1", { state: "success", description: "exit code 0", now: at(6000) });
  assert.equal(listUnsentUpdates(db).length, 3, "the same state again adds nothing");
});
