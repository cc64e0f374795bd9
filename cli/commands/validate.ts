import { join, relative, resolve } from "node:path";
import type { Command } from "commander";
import { InvalidArgumentError } from "commander";
import { renderBatchScript } from "../../core/sbatch/render-batch-script.js";
import { checkProject } from "../../core/task/check-project.js";
import { folderProjectView } from "../../core/task/folder-project-view.js";
import { TaskFileError } from "../../core/task/parse-task-file.js";
import { sweepRuns } from "../../core/task/sweep.js";
import type { Task } from "../../core/task/task.js";
import type { CliContext } from "../cli-context.js";
import { checkRunnersFit } from "../check-runners-fit.js";
import { tryOpenGitRepo } from "../git-repo.js";
import type { CommandDeps } from "../new-program.js";
import { uncommittedTaskFiles } from "../uncommitted-task-files.js";
import { defaultTaskName } from "../task-name.js";

export interface ValidateOptions {
  /** The project folder, relative to the working folder. */
  dir: string;
  render: boolean;
  json: boolean;
  scheduler: "local" | "slurm";
  sweepIndex?: number;
}

/** `ailab validate [--render] [DIR]`. */
export function registerValidate(program: Command, deps: CommandDeps<ValidateOptions>): Command {
  const run = deps.run ?? runValidate;
  return program
    .command("validate")
    .description("Check task.toml (or task_config.toml); exit 1 listing every problem")
    .argument("[dir]", "the project folder", ".")
    .option("--render", "print the batch script that would run (paths on the runner shown as placeholders)")
    .option("--scheduler <kind>", "with --render: slurm or local", parseScheduler, "slurm")
    .option("--sweep-index <n>", "with --render: which run of a sweep to show", parseIndex)
    .option("--json", "print the normalised task as JSON")
    .action((dir: string, opts: { render?: boolean; json?: boolean; scheduler: "local" | "slurm"; sweepIndex?: number }) =>
      run(deps.ctx, {
        dir,
        render: opts.render === true,
        json: opts.json === true,
        scheduler: opts.scheduler,
        ...(opts.sweepIndex !== undefined ? { sweepIndex: opts.sweepIndex } : {}),
      }),
    );
}

/** Where things are on the runner, shown by name in a rendered preview. */
export const PREVIEW_PATHS = {
  projectDir: "/AILAB_JOB_DIR/project",
  envDir: "/AILAB_ENV_DIR",
  logFile: "/AILAB_JOB_DIR/job.log",
  exitCodeFile: "/AILAB_JOB_DIR/exit-code",
};
export const PREVIEW_TASK_ID = "0000000000-0000";

/**
 * Checks the project folder with checkProject, the function the action runs
 * on every push, so the verdict and its words are the server's (the default
 * name comes from the current branch or the folder), and, when logged in,
 * whether a runner can run it (checkRunnersFit). Invalid: TaskFileError
 * with every issue (exit 1). Valid: a summary, the task as JSON, or the
 * batch script on stdout, and a note on stderr for each file the task needs
 * that HEAD does not have (the push sends the commit, not the folder).
 */
export async function runValidate(ctx: CliContext, options: ValidateOptions): Promise<void> {
  const dir = resolve(ctx.cwd, options.dir);
  const repo = await tryOpenGitRepo(ctx, dir);
  const verdict = await checkProject(folderProjectView(dir), { branch: `ailab/${await defaultTaskName(repo, dir)}` });
  if (!verdict.ok) throw new TaskFileError(verdict.issues);
  const { task, file } = verdict;
  await checkRunnersFit(ctx, dir, task);
  for (const path of repo ? await uncommittedTaskFiles(ctx, repo, dir, file, task) : []) {
    const shown = relative(ctx.cwd, join(dir, path)) || path;
    ctx.stderr.write(`note: ${shown} is not committed, so a push would not have it: git add ${shown}, then commit\n`);
  }

  if (options.render) {
    const login = await ctx.config.read().catch(() => undefined);
    const runs = sweepRuns(task.sweep).length;
    const script = renderBatchScript({
      taskId: PREVIEW_TASK_ID,
      user: login?.user ?? "you",
      task,
      scheduler: options.scheduler,
      paths: PREVIEW_PATHS,
      ...(task.sweep ? { sweepIndex: options.sweepIndex ?? 0 } : {}),
    });
    ctx.stderr.write(
      `# Preview of the ${options.scheduler} batch script for ${file}. Placeholders: /AILAB_JOB_DIR is the job's folder on the runner, ` +
        `/AILAB_ENV_DIR the uv environment built from the lockfile, ${PREVIEW_TASK_ID} the task id` +
        (task.sweep ? `; run ${(options.sweepIndex ?? 0) + 1} of ${runs} of the sweep (--sweep-index to pick another)` : "") +
        ".\n",
    );
    ctx.stdout.write(script);
    return;
  }
  if (options.json) {
    ctx.stdout.write(JSON.stringify(task, null, 2) + "\n");
    return;
  }
  ctx.stdout.write(`${file}: ok\n${summarise(task)}`);
}

/** A few lines a student can check at a glance. */
function summarise(task: Task): string {
  const r = task.resources;
  const gpus = `${r.gpus} GPU${r.gpus === 1 ? "" : "s"}${r.gpuType ? ` (${r.gpuType})` : ""}`;
  const lines = [
    `task:      ${task.name}`,
    `resources: ${gpus}, ${r.cpus} CPU${r.cpus === 1 ? "" : "s"}, ${r.memory} memory, time limit ${r.timeLimit}${r.partition ? `, partition ${r.partition}` : ""}`,
    `runs:      ${task.run.commands.join(" && ")}`,
    `results:   ${task.run.results.join(", ") || "(none)"}`,
    `logs:      ${task.run.logs.join(", ") || "(none)"}`,
  ];
  if (task.sweep) lines.push(`sweep:     ${Object.entries(task.sweep).map(([k, v]) => `${k}=${v.join(",")}`).join(" ")}`);
  return lines.join("\n") + "\n";
}

function parseScheduler(value: string): "local" | "slurm" {
  if (value !== "local" && value !== "slurm") throw new InvalidArgumentError("expected slurm or local");
  return value;
}

function parseIndex(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError("expected a whole number (0 is the first run)");
  return Number(value);
}
