import { readFileSync } from "node:fs";
import { join, posix } from "node:path";
import Handlebars from "handlebars";
import { AilabError } from "../errors.js";
import { packageRoot } from "../package-root.js";
import { normaliseProjectPath } from "../task/project-path.js";
import { expandPlaceholders, SWEEP_VALUE_PATTERN, sweepRuns } from "../task/sweep.js";
import type { Task } from "../task/task.js";
import { arrayLogPattern, arrayRunPaths } from "./array-runs.js";
import { sbatchValue, shellName, shellQuote } from "./shell-quote.js";

/** Everything the batch script needs: the task plus where things are on the runner. */
export interface BatchPlan {
  taskId: string;
  user: string;
  task: Task;
  scheduler: "local" | "slurm";
  /** Absolute paths on the runner's machine. */
  paths: {
    projectDir: string;
    envDir: string;
    logFile: string;
    exitCodeFile: string;
  };
  /**
   * Which run of the task's sweep this script is (an index into
   * `sweepRuns(task.sweep)`); required when the task has a sweep and the
   * script is not an `array`.
   */
  sweepIndex?: number;
  /**
   * The whole sweep as one job array (`#SBATCH --array=0-<count-1>`): the
   * script picks its run from SLURM_ARRAY_TASK_ID (or AILAB_RUN_INDEX, which
   * the local executor sets), and each run has its own project copy, log and
   * exit code: the project under `runsDir/<index>/`, log and exit code under
   * `runFilesDir/<index>/` (see `arrayRunPaths`). `paths.projectDir`,
   * `logFile` and `exitCodeFile` are then not used. `count` must be the
   * number of the sweep's runs.
   */
  array?: { runsDir: string; runFilesDir?: string; count: number };
  /**
   * The sandbox the task's commands run in: bubblewrap's arguments (without
   * `bwrap` and the command), one list for the task, or for a job array one
   * per run, in run order. The script finds bwrap on the node and refuses to
   * run the commands without it. Absent: the commands run unconfined, as the
   * runner's own user (an admin's `sandbox = "none"`).
   */
  sandbox?: string[][];
}

/** The path of the template shipped with ailab. */
export function defaultTemplatePath(): string {
  return join(packageRoot(), "templates", "sbatch.hbs");
}

/**
 * Renders templates/sbatch.hbs (or `template`, an admin's replacement text)
 * for a plan. Handlebars runs with `strict` (a missing value throws) and
 * without HTML escaping, which is no shell quoting; the template quotes every
 * value itself with the `q`, `sbatch` and `name` helpers. Throws AilabError
 * (`UnsafeSbatchValue`, `UnsafeShellValue`, `BadBatchPlan`) rather than
 * render a value it cannot make safe.
 */
export function renderBatchScript(plan: BatchPlan, template?: string): string {
  const hbs = Handlebars.create();
  hbs.registerHelper("q", (value: unknown) => shellQuote(scalar(value, "q")));
  hbs.registerHelper("sbatch", (value: unknown) => sbatchValue(scalar(value, "sbatch")));
  hbs.registerHelper("name", (value: unknown) => shellName(String(scalar(value, "name"))));
  const render = hbs.compile(template ?? readFileSync(defaultTemplatePath(), "utf8"), { strict: true, noEscape: true });
  const script = render(batchView(plan));
  // A template written before job arrays would run the first run in every element.
  if (plan.array && !/^#SBATCH --array=/m.test(script)) {
    throw new AilabError("BadBatchPlan", "the batch-script template has no #SBATCH --array line, so it cannot run a sweep; see templates/sbatch.hbs");
  }
  // A template written before the sandbox would run the commands unconfined while the runner reports bwrap.
  if (plan.sandbox && !/"\$\{ailab_sandbox\[@\]\}"/.test(script)) {
    throw new AilabError("BadBatchPlan", "the batch-script template does not run the commands through ailab_sandbox (bwrap); see templates/sbatch.hbs, or set AILAB_SANDBOX=none");
  }
  return script;
}

/** The values the template sees, each computed here so the template stays a layout. */
function batchView(plan: BatchPlan) {
  const { task, paths } = plan;
  const { resources } = task;
  const runs = sweepRuns(task.sweep);
  const { array } = plan;
  const sweepIndex = plan.sweepIndex ?? 0;
  const run = runs[sweepIndex];
  if (array && (array.count !== runs.length || plan.sweepIndex !== undefined)) {
    throw new AilabError("BadBatchPlan", `an array must cover all ${runs.length} runs of the sweep, without a sweepIndex`, { count: array.count });
  }
  if (!Number.isSafeInteger(sweepIndex) || run === undefined || (task.sweep && !array && plan.sweepIndex === undefined)) {
    throw new AilabError("BadBatchPlan", `sweepIndex must pick one of the task's ${runs.length} runs (0…${runs.length - 1})`, {
      sweepIndex: plan.sweepIndex,
    });
  }
  // Sweep values go into the commands as written; the task file allows only inert characters, and so does this.
  const unsafe = runs.flatMap((r) => Object.values(r)).find((v) => typeof v === "string" && !SWEEP_VALUE_PATTERN.test(v));
  if (unsafe !== undefined) throw new AilabError("BadBatchPlan", `sweep value ${JSON.stringify(unsafe)} holds characters the shell would read`);
  const workdir = normaliseProjectPath(task.run.workdir);
  if (!workdir.ok) throw new AilabError("BadBatchPlan", `workdir ${JSON.stringify(task.run.workdir)}: expected ${workdir.expected}`);
  const inProject = (projectDir: string) => (workdir.path === "." ? projectDir : posix.join(projectDir, workdir.path));
  const commandsOf = (index: number) =>
    task.run.commands.map((c) => expandPlaceholders(c, { ...runs[index], task_id: plan.taskId, task_name: task.name, sweep_index: index }));
  const arrayRuns = (array ? runs : []).map((_, index) => {
    const at = arrayRunPaths(array!.runsDir, index, array!.runFilesDir);
    return { index, exitCodeFile: at.exitCodeFile, projectDir: at.projectDir, workDir: inProject(at.projectDir), commands: commandsOf(index) };
  });
  const sandbox = plan.sandbox;
  if (sandbox && sandbox.length !== (array ? array.count : 1)) {
    throw new AilabError("BadBatchPlan", `the sandbox needs one argument list per run (${array ? array.count : 1}), got ${sandbox.length}`);
  }
  const runsWithSandbox = arrayRuns.map((r) => ({ ...r, sandbox: sandbox?.[r.index] ?? null }));
  const first = arrayRuns[0];
  return {
    plan,
    scheduler: plan.scheduler,
    jobName: `ailab-${plan.taskId}`,
    user: plan.user,
    taskId: plan.taskId,
    taskName: task.name,
    sweepIndex,
    logFile: array ? arrayLogPattern(array.runFilesDir ?? array.runsDir) : paths.logFile,
    exitCodeFile: first?.exitCodeFile ?? paths.exitCodeFile,
    projectDir: first?.projectDir ?? paths.projectDir,
    envDir: paths.envDir,
    workDir: first?.workDir ?? inProject(paths.projectDir),
    cpus: resources.cpus,
    memory: resources.memory,
    timeLimit: resources.timeLimit,
    gres: resources.gpus > 0 ? ["gpu", resources.gpuType, resources.gpus].filter((p) => p !== undefined).join(":") : null,
    partition: resources.partition ?? null,
    env: Object.keys(task.environment.env)
      .sort()
      .map((name) => ({ name, value: task.environment.env[name]! })),
    commands: first?.commands ?? commandsOf(sweepIndex),
    /** `0-<n-1>` for a job array, else null. */
    array: array ? `0-${array.count - 1}` : null,
    /** Each run of a job array: index, exitCodeFile, projectDir, workDir, commands, sandbox; empty without one. */
    runs: runsWithSandbox,
    /** bwrap's arguments for the commands (a job array: run 0's; each run has its own in `runs`), or null: no sandbox. */
    sandbox: sandbox?.[0] ?? null,
  };
}

function scalar(value: unknown, helper: string): string | number {
  if (typeof value === "string" || typeof value === "number") return value;
  throw new AilabError("BadBatchPlan", `the template's ${helper} helper got ${typeof value}, expected a string or number`);
}
