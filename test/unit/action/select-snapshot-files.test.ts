import assert from "node:assert/strict";
import { test } from "node:test";
import { describeIssues } from "../../../action/submit/describe-issues.js";
import { selectSnapshotFiles } from "../../../action/submit/select-snapshot-files.js";
import { createIgnoreMatcher } from "../../../core/ignore-rules.js";

const files = ["README.md", "configs/a.yaml", "configs/b.yaml", "src/train.py", "src/__pycache__/x.pyc", "big.ckpt"].map((path) => ({
  path,
  mode: "file" as const,
  oid: path,
}));
const read = () => Promise.resolve(new Uint8Array());

test("everything not ignored, by default", () => {
  const ignored = createIgnoreMatcher("*.ckpt\n", ["__pycache__/"]);
  const selection = selectSnapshotFiles(files, [{ local: ".", remote: "." }], ignored, read);
  assert.deepEqual(
    selection.files.map((f) => f.path),
    ["README.md", "configs/a.yaml", "configs/b.yaml", "src/train.py"],
  );
  assert.equal(selection.ignored, 2);
});

test("upload mappings move folders and single files", () => {
  const selection = selectSnapshotFiles(
    files,
    [
      { local: "configs", remote: "cfg" },
      { local: "src/train.py", remote: "train.py" },
    ],
    () => false,
    read,
  );
  assert.deepEqual(
    selection.files.map((f) => f.path),
    ["cfg/a.yaml", "cfg/b.yaml", "train.py"],
  );
});

test("an invalid task's status names the first issue and counts the rest", () => {
  assert.equal(
    describeIssues([
      { file: "task.toml", key: "resources.memory", message: "expected a size" },
      { file: "task.toml", key: "run.command", message: "missing" },
    ]),
    "error: task.toml: resources.memory: expected a size (+1 more)",
  );
});
