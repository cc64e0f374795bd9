import { join } from "node:path";
import { TASK_ID_PATTERN } from "../core/ids.js";
import { arrayRunPaths, type ArrayRunPaths } from "../core/sbatch/array-runs.js";

/**
 * Where one task's files live on the runner, in two trees side by side:
 * `<dataDir>/jobs/<task id>/`, what the job gets (its project copies and
 * venv; the job starts there), and `<dataDir>/runner-files/<task id>/`, what
 * the runner writes and reads back (the script, the logs, the exit code, the
 * archives). The job is never given the second as its folder or a parent of
 * it, so `../job.log` from the job's folder is nothing of the runner's; the
 * runner still reads those files without following links (see openInside).
 */
export interface JobPaths {
  /** The job's tree: its cwd, its project copies, its venv. */
  jobDir: string;
  /** The runner's tree for this task, beside the job's (never inside it). */
  runnerDir: string;
  /** The snapshot, laid out by the upload mapping; the job's commands run inside it (one run; a sweep's runs have their own). */
  projectDir: string;
  /** A sweep's runs, each in `runs/<index>/` with its own project copy (see `runPaths`). */
  runsDir: string;
  /** A sweep's runs' logs and exit codes, `<runnerDir>/runs/<index>/`. */
  runFilesDir: string;
  /** The job's own venv over the shared environment: the student's project installed, the job's own installs (see makeJobVenv). */
  venvDir: string;
  scriptFile: string;
  /** The job's stdout and stderr (for a sweep on the local executor, the driver's: the runs log in their own folders). */
  logFile: string;
  /** The job's exit code (a sweep on Slurm has none: each run records its own). */
  exitCodeFile: string;
  /** uv's output when the environment build failed. */
  buildLogFile: string;
  /** Archives and run.json before they are uploaded. */
  outDir: string;
}

export function jobPaths(dataDir: string, taskId: string): JobPaths {
  // Task ids come from signed messages, but a path is built from them: check anyway.
  if (!TASK_ID_PATTERN.test(taskId)) throw new Error(`invalid task id ${JSON.stringify(taskId)}`);
  const jobDir = join(dataDir, "jobs", taskId);
  const runnerDir = join(dataDir, "runner-files", taskId);
  return {
    jobDir,
    runnerDir,
    projectDir: join(jobDir, "project"),
    runsDir: join(jobDir, "runs"),
    runFilesDir: join(runnerDir, "runs"),
    venvDir: join(jobDir, "venv"),
    scriptFile: join(runnerDir, "job.sh"),
    logFile: join(runnerDir, "job.log"),
    exitCodeFile: join(runnerDir, "exit-code"),
    buildLogFile: join(runnerDir, "build.log"),
    outDir: join(runnerDir, "out"),
  };
}

/** Where run `index` of a task's sweep keeps its project (in the job's tree), log and exit code (in the runner's). */
export function runPaths(paths: JobPaths, index: number): ArrayRunPaths {
  return arrayRunPaths(paths.runsDir, index, paths.runFilesDir);
}
