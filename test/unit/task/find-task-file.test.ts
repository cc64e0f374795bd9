import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { findTaskFile } from "../../../core/task/find-task-file.js";
import { hasCode } from "../../../core/errors.js";
import { tempDir } from "../../helpers/temp-dir.js";

test("finds task.toml, else task_config.toml", async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, "task_config.toml"), "older");
  assert.deepEqual(await findTaskFile(dir), { file: "task_config.toml", path: join(dir, "task_config.toml"), text: "older" });
  await writeFile(join(dir, "task.toml"), "newer");
  assert.equal((await findTaskFile(dir)).file, "task.toml");
});

test("a folder with neither file gives TaskFileMissing naming both", async (t) => {
  const dir = await tempDir(t);
  await assert.rejects(findTaskFile(dir), (e) => {
    assert.ok(hasCode(e, "TaskFileMissing"));
    assert.match(e.message, /task\.toml or task_config\.toml/);
    return true;
  });
});
