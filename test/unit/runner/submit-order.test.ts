import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { openRunnerDb } from "../../../runner-agent/runner-db.js";
import { earlierTaskUnsubmitted } from "../../../runner-agent/submit-order.js";
import { getTask, insertTask, updateTask } from "../../../runner-agent/task-rows.js";
import { historicSubmit } from "../../helpers/runner-history.js";
import { tempDir } from "../../helpers/temp-dir.js";

test("a user's task is submitted only once their earlier tasks are with the scheduler; other users' do not hold it", async (t) => {
  const db = openRunnerDb(join(await tempDir(t), "runner.db"));
  t.after(() => db.close());
  const [first, second, carol] = [historicSubmit("bob", 1), historicSubmit("bob", 1), historicSubmit("carol", 1)];
  insertTask(db, carol, "queued", 1);
  insertTask(db, first, "queued", 2);
  insertTask(db, second, "queued", 2); // same millisecond: the row order decides
  for (const s of [carol, first, second]) updateTask(db, s.taskId, { state: "building" });
  const waits = (id: string) => earlierTaskUnsubmitted(db, getTask(db, id)!);
  assert.equal(waits(first.taskId), false, "carol's earlier build does not hold bob's");
  assert.equal(waits(second.taskId), true, "bob's second waits for his first, whose environment may take longer");
  updateTask(db, first.taskId, { state: "running" });
  assert.equal(waits(second.taskId), false);
  updateTask(db, first.taskId, { state: "collecting" });
  assert.equal(waits(second.taskId), false, "an earlier task that ended (say its build failed) holds nothing");
});
