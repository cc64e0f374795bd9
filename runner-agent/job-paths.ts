import { join } from "node:path";
import { TASK_ID_PATTERN } from "../core/ids.js";

/** Where one task's files live on the runner: `<dataDir>/jobs/<task id>/`. */
export interface JobPaths {
  jobDir: string;
  /** The snapshot, laid out by the upload mapping; the job's commands run inside it. */
  projectDir: string;
  scriptFile: string;
  /** The job's stdout and stderr. */
  logFile: string;
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
    scriptFile: join(jobDir, "job.sh"),
    logFile: join(jobDir, "job.log"),
    exitCodeFile: join(jobDir, "exit-code"),
    buildLogFile: join(jobDir, "build.log"),
    outDir: join(jobDir, "out"),
  };
}
