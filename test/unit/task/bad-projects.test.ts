import assert from "node:assert/strict";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { test } from "node:test";
import { runCli } from "../../../cli/run-cli.js";
import { packageRoot } from "../../../core/package-root.js";
import { BAD_PROJECTS, writeBadProject, type BadProject } from "../../helpers/bad-projects.js";
import { binEnv, BINS, runBin } from "../../helpers/cli-bins.js";
import { cliTestContext } from "../../helpers/cli-test-context.js";
import { tempDir } from "../../helpers/temp-dir.js";

/** Checks what a user sees for one bad project: exit 1, the file and key named, no stack trace. */
function assertRefused(project: BadProject, exitCode: number | null, stderr: string, stdout: string): void {
  const where = `${project.name}:\n${stderr}`;
  assert.equal(exitCode, 1, where);
  assert.equal(stdout, "", where);
  assert.match(stderr, /^error: the (task file|project) has \d+ problems?:\n/, where);
  const line = stderr.split("\n").find((l) => l.startsWith(`  ${project.file}: ${project.key}: `));
  assert.ok(line, `${project.name}: no issue at ${project.file}: ${project.key}:\n${stderr}`);
  if (project.message) assert.match(line, project.message, where);
  assert.doesNotMatch(stderr, /^\s+at .*[(:]\d+/m, `${where}\n(a stack trace)`);
  // Values are quoted back cut short, so no line of the answer buries the rest.
  for (const l of stderr.split("\n")) assert.ok(l.length < 600, `${project.name}: a line of ${l.length} characters`);
}

test("the corpus has more than 140 bad projects, each named once", () => {
  assert.ok(BAD_PROJECTS.length > 140, `${BAD_PROJECTS.length} cases`);
  assert.equal(new Set(BAD_PROJECTS.map((p) => p.name)).size, BAD_PROJECTS.length);
});

test("ailab validate refuses every bad project, naming the file and the key, without a stack trace", async (t) => {
  const cli = await cliTestContext(t);
  let slowest = { name: "", ms: 0 };
  for (const [i, project] of BAD_PROJECTS.entries()) {
    const dir = join(cli.work, `case-${String(i).padStart(3, "0")}`);
    await mkdir(dir);
    await writeBadProject(dir, project);
    const [outBefore, errBefore] = [cli.stdout().length, cli.stderr().length];
    const start = performance.now();
    const exitCode = await runCli(["validate", dir], cli.ctx);
    const ms = performance.now() - start;
    if (ms > slowest.ms) slowest = { name: project.name, ms };
    assertRefused(project, exitCode, cli.stderr().slice(errBefore), cli.stdout().slice(outBefore));
  }
  // A sanity bound only (the bench records the real times): the slowest case used to take 65 s and all memory.
  assert.ok(slowest.ms < 5000, `${slowest.name} took ${slowest.ms.toFixed(0)} ms`);
});

test("the compiled ailab validate refuses a few of them as a user sees it, and passes the example project", async (t) => {
  const home = await tempDir(t);
  const picks = ["no uv.lock", "an empty lock", "UTF-16 LE with a BOM", 'three ranges of "0..999"', "gpus = 1e9", 'name = "weights.lock"', "env sets LD_PRELOAD", "a 100 KB partition", "workdir below a symlink", "both task.toml and task_config.toml"];
  for (const name of picks) {
    const project = BAD_PROJECTS.find((p) => p.name === name)!;
    const dir = join(home, `case-${picks.indexOf(name)}`);
    await mkdir(dir);
    await writeBadProject(dir, project);
    const result = await runBin(BINS.ailab, ["validate", dir], { cwd: home, env: binEnv(home) });
    assertRefused(project, result.exitCode, result.stderr, result.stdout);
  }
  const example = await runBin(BINS.ailab, ["validate", join(packageRoot(), "examples", "sample-project")], { cwd: home, env: binEnv(home) });
  assert.equal(example.exitCode, 0, example.stderr);
  assert.match(example.stdout, /^task\.toml: ok$/m);
});
