import { test } from "node:test";
import assert from "node:assert/strict";
import { checkTaskFiles, type PathKind } from "../../../core/task/check-task-files.js";
import { parseTaskFile } from "../../../core/task/parse-task-file.js";

const TOML = `
[environment]
extra_wheels = ["dist/op-0.1-py3-none-any.whl"]
[files]
upload = [{ local = "configs", remote = "configs" }, { local = "train.py", remote = "train.py" }]
[run]
workdir = "src"
command = "python train.py"
`;

const task = parseTaskFile(TOML, { file: "task_config.toml", branch: "ailab/t" });

function tree(entries: Record<string, PathKind>): { kind: (path: string) => PathKind } {
  return { kind: (path) => entries[path] };
}

const COMPLETE: Record<string, PathKind> = {
  "pyproject.toml": "file",
  dist: "dir",
  "uv.lock": "file",
  "dist/op-0.1-py3-none-any.whl": "file",
  src: "dir",
  configs: "dir",
  "train.py": "file",
};

test("a task whose files are all in the commit has no issues", () => {
  assert.deepEqual(checkTaskFiles(task, "task_config.toml", tree(COMPLETE)), []);
});

test("missing files, wrong kinds and symlinks are each an issue naming the key", () => {
  const issues = checkTaskFiles(
    task,
    "task_config.toml",
    tree({ ...COMPLETE, "uv.lock": undefined, "pyproject.toml": "link", src: "file", "dist/op-0.1-py3-none-any.whl": "dir", configs: "link" }),
  );
  const byKey = Object.fromEntries(issues.map((i) => [i.key, i.message]));
  assert.deepEqual(Object.keys(byKey).sort(), [
    "environment.extra_wheels[0]",
    "environment.lockfile",
    "environment.pyproject",
    "files.upload[0].local",
    "run.workdir",
  ]);
  assert.match(byKey["environment.lockfile"]!, /"uv\.lock" is not in the project/);
  assert.match(byKey["environment.pyproject"]!, /symlink/);
  assert.match(byKey["run.workdir"]!, /expected a folder.*got a file/);
  assert.match(byKey["files.upload[0].local"]!, /symlink/);
  for (const issue of issues) assert.equal(issue.file, "task_config.toml");
});

test("the project root is always a valid workdir and upload", () => {
  const plain = parseTaskFile('[run]\ncommand = "true"\n', { file: "task.toml", branch: "ailab/t" });
  assert.deepEqual(checkTaskFiles(plain, "task.toml", tree({ "pyproject.toml": "file", "uv.lock": "file" })), []);
});

test("a path through a symlinked folder is refused, naming the link", () => {
  const issues = checkTaskFiles(task, "task_config.toml", tree({ ...COMPLETE, dist: "link", "dist/op-0.1-py3-none-any.whl": "file" }));
  assert.deepEqual(issues.map((i) => i.key), ["environment.extra_wheels[0]"]);
  assert.match(issues[0]!.message, /through the symlink "dist"/);
});
