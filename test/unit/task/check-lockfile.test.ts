import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { packageRoot } from "../../../core/package-root.js";
import { checkLockfile, normaliseName } from "../../../core/task/check-lockfile.js";
import { checkProject } from "../../../core/task/check-project.js";
import { folderProjectView } from "../../../core/task/folder-project-view.js";
import { tempDir } from "../../helpers/temp-dir.js";

const PATHS = { pyproject: "pyproject.toml", lockfile: "uv.lock" };
const lock = (body: string, python = ">=3.10") => `version = 1\nrevision = 5\nrequires-python = "${python}"\n\n${body}`;
const pkg = (name: string, requiresDist = "") =>
  `[[package]]\nname = "${name}"\nversion = "0.1.0"\nsource = { virtual = "." }\n${requiresDist ? `\n[package.metadata]\nrequires-dist = [${requiresDist}]\n` : ""}`;

test("names are compared as PEP 503 normalises them", () => {
  assert.equal(normaliseName("My_Project.Name"), "my-project-name");
  const pyproject = '[project]\nname = "Tiny_Thing"\nrequires-python = ">=3.10"\ndependencies = ["Scikit_Learn>=1", "torch ; python_version > \'3.9\'", "requests[socks]"]\n';
  const locked = lock(pkg("tiny-thing", '{ name = "scikit-learn", specifier = ">=1" }, { name = "torch", marker = "python_full_version >= \'3.10\'" }, { name = "requests", extras = ["socks"] }'));
  assert.deepEqual(checkLockfile(pyproject, locked, PATHS), []);
});

test("specifiers are not compared, and requires-python is compared as uv writes it", () => {
  const pyproject = (python: string) => `[project]\nname = "x"\nrequires-python = "${python}"\ndependencies = ["numpy>=2"]\n`;
  const locked = (python: string) => lock(pkg("x", '{ name = "numpy", specifier = ">=1.24" }'), python);
  assert.deepEqual(checkLockfile(pyproject("~=3.10"), locked(">=3.10, <4"), PATHS), []);
  assert.deepEqual(checkLockfile(pyproject("<4,>=3.10"), locked(">=3.10, <4"), PATHS), []);
  assert.deepEqual(checkLockfile(pyproject(">= 3.10"), locked(">=3.10"), PATHS), []);
  assert.deepEqual(checkLockfile(pyproject(">=3.10, !=3.11.*"), locked(">=3.10, !=3.11.*"), PATHS), []);
  assert.equal(checkLockfile(pyproject(">=3.12"), locked(">=3.10"), PATHS)[0]?.key, "requires-python");
});

test("what cannot be told for certain is left to uv: dynamic dependencies, workspaces, a project without [project]", () => {
  const dynamic = '[project]\nname = "x"\ndynamic = ["dependencies"]\n';
  assert.deepEqual(checkLockfile(dynamic, lock(pkg("x", '{ name = "numpy" }')), PATHS), []);
  const workspace = '[project]\nname = "x"\nrequires-python = ">=3.12"\ndependencies = []\n[tool.uv.workspace]\nmembers = ["lib"]\n';
  assert.deepEqual(checkLockfile(workspace, lock(pkg("x"), ">=3.13"), PATHS), []);
  const groupsOnly = "[dependency-groups]\ndev = []\n";
  assert.deepEqual(checkLockfile(groupsOnly, lock("[manifest.dependency-groups]\ndev = []\n"), PATHS), []);
});

test("the example project's real uv.lock matches its pyproject", async () => {
  const dir = join(packageRoot(), "examples", "sample-project");
  const verdict = await checkProject(folderProjectView(dir), { branch: "ailab/sample" });
  assert.ok(verdict.ok, JSON.stringify(verdict));
});

test("a uv init --package project: its uv lock passes; a later edit of pyproject.toml is refused until uv lock runs again", async (t) => {
  const home = await tempDir(t);
  const env = { ...process.env, UV_CACHE_DIR: process.env.UV_CACHE_DIR ?? join(process.env.HOME ?? home, ".cache", "uv") };
  const dir = join(home, "ml-baseline");
  execFileSync("uv", ["init", "--package", "--offline", "--quiet", "--no-workspace", dir], { env, stdio: "pipe" });
  execFileSync("uv", ["lock", "--offline", "--quiet"], { cwd: dir, env, stdio: "pipe" });
  writeFileSync(join(dir, "task.toml"), '[run]\ncommand = "ml-baseline"\n');
  assert.deepEqual(await checkProject(folderProjectView(dir), { branch: "ailab/base" }).then((v) => (v.ok ? [] : v.issues)), [], "straight from uv");

  const pyproject = readFileSync(join(dir, "pyproject.toml"), "utf8");
  writeFileSync(join(dir, "pyproject.toml"), pyproject.replace(/requires-python = "[^"]*"/, 'requires-python = ">=3.9"'));
  const stale = await checkProject(folderProjectView(dir), { branch: "ailab/base" });
  assert.ok(!stale.ok);
  assert.deepEqual(stale.issues.map((i) => [i.file, i.key]), [["uv.lock", "requires-python"]]);
  assert.match(stale.issues[0]!.message, /run `uv lock`/);

  execFileSync("uv", ["lock", "--offline", "--quiet"], { cwd: dir, env, stdio: "pipe" });
  assert.ok((await checkProject(folderProjectView(dir), { branch: "ailab/base" })).ok, "after uv lock");
});
