import { test } from "node:test";
import assert from "node:assert/strict";
import { createIgnoreMatcher } from "../../../core/ignore-rules.js";
import { STARTER_AILABIGNORE } from "../../../core/task/starter-files.js";

test("gitignore rules from .ailabignore and task.toml both apply", () => {
  const ignored = createIgnoreMatcher("results/\n*.pyc\n!keep.pyc\n", ["*.ckpt", "/data/"]);
  assert.equal(ignored("results/run1/out.txt"), true);
  assert.equal(ignored("results/"), true);
  assert.equal(ignored("src/model.pyc"), true);
  assert.equal(ignored("keep.pyc"), false);
  assert.equal(ignored("models/best.ckpt"), true);
  assert.equal(ignored("data/x.csv"), true);
  assert.equal(ignored("src/data/x.csv"), false, "an anchored rule matches at the root only");
  assert.equal(ignored("train.py"), false);
  assert.equal(ignored("./train.py"), false);
  assert.equal(ignored("."), false);
});

test(".git is always ignored, even against a ! rule, and without any rules", () => {
  for (const ignored of [createIgnoreMatcher(undefined, []), createIgnoreMatcher("!.git/\n!.git\n", ["!.git/config"])]) {
    assert.equal(ignored(".git/config"), true);
    assert.equal(ignored(".git/"), true);
    assert.equal(ignored("sub/.git/HEAD"), true);
    assert.equal(ignored(".gitignore"), false);
    assert.equal(ignored("main.py"), false);
  }
});

test("the starter .ailabignore leaves code in and caches out", () => {
  const ignored = createIgnoreMatcher(STARTER_AILABIGNORE, []);
  for (const path of ["pkg/__pycache__/m.cpython-312.pyc", ".venv/bin/python", "results/x/out.txt", "a.pyc"]) {
    assert.equal(ignored(path), true, path);
  }
  for (const path of ["main.py", "pyproject.toml", "uv.lock", "task.toml", "configs/a.yaml"]) {
    assert.equal(ignored(path), false, path);
  }
});
