import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { readArchive } from "../../helpers/runner-artifacts.js";
import { publishProject, sendToRunner, taskToml } from "../../helpers/runner-project.js";
import { createRunnerWorld, TEST_RUNNER, TEST_SECRET, type RunnerWorld } from "../../helpers/runner-world.js";

// What `uv init --package ml-baseline` writes (uv_build backend, src layout, a console script).
const PACKAGE_PROJECT = {
  "pyproject.toml": [
    "[project]",
    'name = "ml-baseline"',
    'version = "0.1.0"',
    'requires-python = ">=3.8"',
    "dependencies = []",
    "",
    "[project.scripts]",
    'ml-baseline = "ml_baseline:main"',
    "",
    "[build-system]",
    'requires = ["uv_build>=0.8,<0.14"]',
    'build-backend = "uv_build"',
    "",
  ].join("\n"),
  "src/ml_baseline/__init__.py": 'def main() -> None:\n    print("Hello from ml-baseline!")\n',
};

// A second package in the project, for a job to install on its own.
const EXTRA = {
  "extra/pyproject.toml": '[project]\nname = "extra-pkg"\nversion = "0.1.0"\n\n[build-system]\nrequires = ["uv_build>=0.8,<0.14"]\nbuild-backend = "uv_build"\n',
  "extra/src/extra_pkg/__init__.py": "",
};

async function run(world: RunnerWorld, project: Awaited<ReturnType<typeof publishProject>>) {
  const submit = project.submit();
  await sendToRunner(world.store, TEST_SECRET, TEST_RUNNER, submit);
  const done = await world.inbox.completion(submit.taskId);
  const logs = await readArchive(world.store, done, "logs.tar.gz", world.root);
  return { done, log: logs.get("job.log") ?? "" };
}

test("a `uv init --package` project runs with its package importable and its console script on PATH, plain and through `uv run`", async (t) => {
  const world = await createRunnerWorld(t);
  const commands = [
    "ml-baseline",
    "python -c 'import ml_baseline, sys; print(\"imported from\", ml_baseline.__file__)'",
    "uv run ml-baseline",
    "uv run python -c 'import ml_baseline; print(\"uv run imports\", ml_baseline.__name__)'",
  ];
  const project = await publishProject(t, world.store, { ...PACKAGE_PROJECT, "task.toml": taskToml(commands) });
  await world.start();
  const { done, log } = await run(world, project);
  assert.equal(done.state, "success", `${done.description}\n${log}`);
  assert.equal(log.match(/^Hello from ml-baseline!$/gm)?.length, 2, log);
  assert.match(log, /imported from .*\/project\/src\/ml_baseline\/__init__\.py/);
  assert.match(log, /uv run imports ml_baseline/);
});

test("a flat project whose .python-version names a Python the runner has (and pyenv lacks) builds and runs with it", async (t) => {
  const world = await createRunnerWorld(t);
  await world.start();
  await world.inbox.until(() => world.inbox.heartbeats().length > 0, 10_000, "a heartbeat");
  const pythons = world.inbox.heartbeats().at(-1)!.pythons ?? [];
  // 3.11.2 is /usr/bin/python3 on the test machine; any Python uv sees would do, one pyenv does not manage shows the shim bug.
  const version = pythons.includes("3.11.2") ? "3.11.2" : pythons[0];
  assert.ok(version, "uv sees at least one Python");
  const project = await publishProject(t, world.store, {
    ".python-version": `${version}\n`,
    "task.toml": taskToml(["python -c 'import sys; print(\"python\", sys.version.split()[0])'", "uv run python -c 'import sys; print(\"uv run python\", sys.version.split()[0])'"]),
  });
  const { done, log } = await run(world, project);
  assert.equal(done.state, "success", `${done.description}\n${log}`);
  assert.match(log, new RegExp(`^python ${version.replace(/\./g, "\\.")}$`, "m"));
  assert.match(log, new RegExp(`^uv run python ${version.replace(/\./g, "\\.")}$`, "m"));
});

test("what a job installs (`uv pip install`, `uv sync`) stays in its own venv: the next job sees the shared environment unchanged", async (t) => {
  const world = await createRunnerWorld(t);
  const installs = [
    "uv pip install ./extra",
    "python -c 'import extra_pkg; print(\"extra installed\")'",
    "uv sync",
    "uv pip install ./extra",
    "python -c 'import ml_baseline, extra_pkg; print(\"after sync\")'",
  ];
  const looks = ["python -c 'import importlib.util, sys; sys.exit(importlib.util.find_spec(\"extra_pkg\") is not None)'", "ml-baseline"];
  const first = await publishProject(t, world.store, { ...PACKAGE_PROJECT, ...EXTRA, "task.toml": taskToml(installs) });
  const second = await publishProject(t, world.store, { ...PACKAGE_PROJECT, ...EXTRA, "task.toml": taskToml(looks) });
  assert.equal(first.env, second.env, "one lockfile, one shared environment");
  await world.start();

  const one = await run(world, first);
  assert.equal(one.done.state, "success", `${one.done.description}\n${one.log}`);
  assert.match(one.log, /extra installed/);
  assert.match(one.log, /after sync/);
  const envs = join(world.dataDir, "envs");
  const [key] = readdirSync(envs);
  const shared = join(envs, key!, "venv");
  const before = listTree(shared);

  const two = await run(world, second);
  assert.equal(two.done.state, "success", `${two.done.description}\n${two.log}`);
  assert.match(two.log, /Hello from ml-baseline!/);
  assert.deepEqual(listTree(shared), before);
  assert.ok(!before.some((p) => p.includes("extra_pkg") || p.includes("ml_baseline")), before.join("\n"));
  assert.equal(statSync(shared).mode & 0o222, 0, "the shared environment is read-only");
});

function listTree(dir: string, prefix = ""): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((e) => {
    const path = join(prefix, e.name);
    return e.isDirectory() ? [path, ...listTree(dir, path)] : [path];
  });
}
