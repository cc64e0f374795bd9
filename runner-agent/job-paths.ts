import { join } from "node:path";
import { TASK_ID_PATTERN } from "../core/ids.js";
import { arrayRunPaths, type ArrayRunPaths } from "../core/sbatch/array-runs.js";

/** Where one task's files live on the runner: `<dataDir>/jobs/<task id>/`. */
export interface JobPaths {
  jobDir: string;
  /** The snapshot, laid out by the upload mapping; the job's commands run inside it (one run; a sweep's runs have their own). */
  projectDir: string;
  /** A sweep's runs, each in `runs/<index>/` with its own project copy, log and exit code (see `runPaths`). */
  runsDir: string;
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
  return {
    jobDir,
    projectDir: join(jobDir, "project"),
    runsDir: join(jobDir, "runs"),
    venvDir: join(jobDir, "venv"),
    scriptFile: join(jobDir, "job.sh"),
    logFile: join(jobDir, "job.log"),
    exitCodeFile: join(jobDir, "exit-code"),
    buildLogFile: join(jobDir, "build.log"),
    outDir: join(jobDir, "out"),
  };
}

/** Where run `index` of a task's sweep keeps its project, log and exit code. */
export function runPaths(paths: JobPaths, index: number): ArrayRunPaths {
  return arrayRunPaths(paths.runsDir, index);
}
