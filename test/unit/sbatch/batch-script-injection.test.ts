// No value from task.toml or the plan, other than the commands themselves, can
// run shell when the batch script runs. Each case puts a payload that would
// create a marker file (a fresh path per case) into one field; the field must
// either be rejected by the parser or the renderer with a clear error, or the
// rendered script, run with real bash, must leave no marker behind.
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { TestContext } from "node:test";
import { AilabError } from "../../../core/errors.js";
import { renderBatchScript, type BatchPlan } from "../../../core/sbatch/render-batch-script.js";
import { parseTaskFile, TaskFileError } from "../../../core/task/parse-task-file.js";
import type { Task } from "../../../core/task/task.js";
import { createBatchFixture, type BatchFixture } from "../../helpers/batch-fixture.js";

/** Payloads that create `marker` if they ever reach the shell unquoted or break out of quotes. */
function payloads(marker: string): string[] {
  return [
    `$(touch ${marker})`,
    "`touch " + marker + "`",
    `'; touch ${marker}; '`,
    `"; touch ${marker}; "`,
    `x\ntouch ${marker}\n`,
    `x\n#SBATCH --x\ntouch ${marker}`,
    `x' \`touch ${marker}\` '`,
    `\\'$(touch ${marker})\\'`,
    `a;touch ${marker}`,
  ];
}

type Outcome = { kind: "parser"; keys: string[] } | { kind: "renderer"; code: string } | { kind: "ran"; exitCode: number | null };

/** A fresh marker path that no earlier case can have created. */
function freshMarker(t: TestContext): string {
  const marker = join(tmpdir(), `ailab-injected-${randomUUID()}`);
  t.after(() => rmSync(marker, { force: true }));
  return marker;
}

/** Renders and runs a plan, creating the folders its paths name so the script gets as far as it can. */
function renderAndRun(f: BatchFixture, plan: BatchPlan): Outcome {
  let script: string;
  try {
    script = renderBatchScript(plan);
  } catch (e) {
    if (e instanceof AilabError) return { kind: "renderer", code: e.code };
    throw e;
  }
  for (const dir of [plan.paths.projectDir, plan.paths.envDir, dirname(plan.paths.exitCodeFile), dirname(plan.paths.logFile)]) {
    mkdirSync(dir, { recursive: true });
  }
  const workdir = join(plan.paths.projectDir, plan.task.run.workdir);
  mkdirSync(workdir, { recursive: true });
  return { kind: "ran", exitCode: f.run(script).exitCode };
}

function parseAndRun(f: BatchFixture, toml: string): Outcome {
  let task: Task;
  try {
    task = parseTaskFile(toml, { file: "task.toml", branch: "ailab/inject" });
  } catch (e) {
    if (e instanceof TaskFileError) return { kind: "parser", keys: e.issues.map((i) => i.key) };
    throw e;
  }
  return renderAndRun(f, f.plan(task));
}

const q = (value: string): string => JSON.stringify(value); // a TOML basic string
const RUN = '[run]\ncommand = "true"\n';

/** One field of task.toml: where the payload goes, and the key an issue for it carries. */
const FIELDS: { key: string; toml: (p: string) => string }[] = [
  { key: "task.name", toml: (p) => `[task]\nname = ${q(p)}\n${RUN}` },
  { key: "task.description", toml: (p) => `[task]\ndescription = ${q(p)}\n${RUN}` },
  { key: "task.cluster", toml: (p) => `[task]\ncluster = ${q(p)}\n${RUN}` },
  { key: "resources.memory", toml: (p) => `[resources]\nmemory = ${q(p)}\n${RUN}` },
  { key: "resources.time_limit", toml: (p) => `[resources]\ntime_limit = ${q(p)}\n${RUN}` },
  { key: "resources.gpu_type", toml: (p) => `[resources]\ngpus = 1\ngpu_type = ${q(p)}\n${RUN}` },
  { key: "resources.partition", toml: (p) => `[resources]\npartition = ${q(p)}\n${RUN}` },
  { key: "environment.env.V", toml: (p) => `[environment]\nenv = { V = ${q(p)} }\n${RUN}` },
  { key: "environment.env.", toml: (p) => `[environment]\nenv = { ${q(p)} = "x" }\n${RUN}` },
  { key: "environment.pyproject", toml: (p) => `[environment]\npyproject = ${q(p)}\n${RUN}` },
  { key: "environment.uv_lock", toml: (p) => `[environment]\nuv_lock = ${q(p)}\n${RUN}` },
  { key: "environment.extra_wheels[0]", toml: (p) => `[environment]\nextra_wheels = [${q(p + ".whl")}]\n${RUN}` },
  { key: "environment.env_name", toml: (p) => `[environment]\nenv_name = ${q(p)}\n${RUN}` },
  { key: "files.ignore[0]", toml: (p) => `[files]\nignore = [${q(p)}]\n${RUN}` },
  { key: "files.datasets[0]", toml: (p) => `[files]\ndatasets = [${q(p)}]\n${RUN}` },
  { key: "files.download[0].local", toml: (p) => `[files]\ndownload = [{ remote = "r", local = ${q(p)} }]\n${RUN}` },
  { key: "files.upload[0].remote", toml: (p) => `[files]\nupload = [{ local = ".", remote = ${q(p)} }]\n${RUN}` },
  { key: "run.workdir", toml: (p) => `${RUN}workdir = ${q(p)}\n` },
  { key: "files.workdir", toml: (p) => `[files]\nworkdir = ${q(p)}\n${RUN}` },
  { key: "run.results[0]", toml: (p) => `${RUN}results = [${q(p)}]\n` },
  { key: "run.logs[0]", toml: (p) => `${RUN}logs = [${q(p)}]\n` },
  { key: "sweep.v", toml: (p) => `[run]\ncommand = "true {v}"\n[sweep]\nv = [${q(p)}]\n` },
  { key: "sweep.v", toml: (p) => `[run]\ncommand = "true {v}"\n[sweep]\nv = ${q(p)}\n` },
];

test("positive control: the harness sees a marker that a command creates", async (t) => {
  const f = await createBatchFixture(t);
  const marker = freshMarker(t);
  const outcome = parseAndRun(f, `[run]\ncommand = ${q(`touch ${marker}`)}\n`);
  assert.deepEqual(outcome, { kind: "ran", exitCode: 0 });
  assert.ok(existsSync(marker));
});

test("positive control: the same payload in a template without quoting does create the marker", async (t) => {
  const f = await createBatchFixture(t);
  const marker = freshMarker(t);
  const task = parseTaskFile(`[environment]\nenv = { V = ${q(`$(touch ${marker})`)} }\n${RUN}`, { file: "task.toml", branch: "ailab/x" });
  const naive = "#!/bin/bash\n{{#each env}}export {{this.name}}={{this.value}}\n{{/each}}";
  f.run(renderBatchScript(f.plan(task), naive));
  assert.ok(existsSync(marker));
});

test("no task.toml field can inject shell: each is rejected with its key, or runs inert", async (t) => {
  const seen = { parser: 0, renderer: 0, ran: 0 };
  for (const field of FIELDS) {
    for (const payload of payloads("MARKER")) {
      const f = await createBatchFixture(t);
      const marker = freshMarker(t);
      const toml = field.toml(payload.replaceAll("MARKER", marker));
      const outcome = parseAndRun(f, toml);
      const what = `${field.key} = ${JSON.stringify(payload)} → ${JSON.stringify(outcome)}`;
      seen[outcome.kind]++;
      if (outcome.kind === "parser") assert.ok(outcome.keys.some((k) => k.startsWith(field.key)), what);
      assert.notEqual(outcome.kind, "renderer", `the parser let through what the renderer refused: ${what}`);
      if (outcome.kind === "ran") assert.equal(outcome.exitCode, 0, what);
      assert.ok(!existsSync(marker), `marker created: ${what}`);
    }
  }
  // Both paths were exercised: some payloads are legal (and inert), others refused.
  assert.ok(seen.parser > 0 && seen.ran > 0, JSON.stringify(seen));
});

test("env values arrive in the job exactly as written", async (t) => {
  for (const payload of payloads("MARKER")) {
    const f = await createBatchFixture(t);
    const marker = freshMarker(t);
    const value = payload.replaceAll("MARKER", marker);
    const toml = `[environment]\nenv = { V = ${q(value)} }\n[run]\ncommand = 'printf %s "$V" > value.out'\n`;
    assert.deepEqual(parseAndRun(f, toml), { kind: "ran", exitCode: 0 });
    assert.equal(readFileSync(join(f.paths.projectDir, "value.out"), "utf8"), value);
    assert.ok(!existsSync(marker));
  }
});

test("a tampered task or plan that skips the parser is refused by the renderer or runs inert", async (t) => {
  const base = (): Task =>
    parseTaskFile(RUN, { file: "task.toml", branch: "ailab/x" });
  // `refused`: values on #SBATCH lines, variable names and sweep values cannot be quoted, so they are refused.
  const tamper: { what: string; refused?: boolean; apply: (task: Task, plan: BatchPlan, p: string) => void }[] = [
    { what: "task.name", apply: (task, _plan, p) => (task.name = p) },
    { what: "resources.memory", refused: true, apply: (task, _plan, p) => (task.resources.memory = p) },
    { what: "resources.timeLimit", refused: true, apply: (task, _plan, p) => (task.resources.timeLimit = p) },
    { what: "resources.gpuType", refused: true, apply: (task, _plan, p) => ((task.resources.gpus = 1), (task.resources.gpuType = p)) },
    { what: "resources.partition", refused: true, apply: (task, _plan, p) => (task.resources.partition = p) },
    { what: "env key", refused: true, apply: (task, _plan, p) => (task.environment.env = { [p]: "x" }) },
    { what: "env value", apply: (task, _plan, p) => (task.environment.env = { V: p }) },
    { what: "workdir", apply: (task, _plan, p) => (task.run.workdir = p) },
    { what: "sweep value", refused: true, apply: (task, plan, p) => ((task.sweep = { v: [p] }), (task.run.commands = ["true {v}"]), (plan.sweepIndex = 0)) },
    { what: "user", refused: true, apply: (_task, plan, p) => (plan.user = p) },
    { what: "taskId", refused: true, apply: (_task, plan, p) => (plan.taskId = p) },
    { what: "paths.projectDir", apply: (_task, plan, p) => (plan.paths.projectDir = join(plan.paths.projectDir, p)) },
    { what: "paths.envDir", apply: (_task, plan, p) => (plan.paths.envDir = join(plan.paths.envDir, p)) },
    { what: "paths.logFile", refused: true, apply: (_task, plan, p) => (plan.paths.logFile = join(plan.paths.logFile, p)) },
    { what: "paths.exitCodeFile", apply: (_task, plan, p) => (plan.paths.exitCodeFile = join(dirname(plan.paths.exitCodeFile), "exit" + p)) },
  ];
  for (const { what, refused, apply } of tamper) {
    for (const payload of payloads("MARKER")) {
      const f = await createBatchFixture(t);
      const marker = freshMarker(t);
      const task = base();
      const plan = f.plan(task, { paths: { ...f.paths } });
      apply(task, plan, payload.replaceAll("MARKER", marker));
      const outcome = renderAndRun(f, plan);
      const said = `${what} = ${JSON.stringify(payload)} → ${JSON.stringify(outcome)}`;
      if (refused) assert.equal(outcome.kind, "renderer", said);
      assert.ok(!existsSync(marker), `marker created: ${said}`);
    }
  }
});
