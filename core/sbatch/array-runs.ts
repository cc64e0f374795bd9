import { join } from "node:path";

/** Where one run of a sweep keeps its files. */
export interface ArrayRunPaths {
  runDir: string;
  /** The run's own copy of the project: runs never write into each other's output/. */
  projectDir: string;
  logFile: string;
  exitCodeFile: string;
}

/**
 * The layout of a sweep's runs, `<runsDir>/<index>/{project,job.log,exit-code}`:
 * the batch script writes there and the runner lays out, watches and
 * collects there, so both take it from here.
 */
export function arrayRunPaths(runsDir: string, index: number): ArrayRunPaths {
  const runDir = join(runsDir, String(index));
  return { runDir, projectDir: join(runDir, "project"), logFile: join(runDir, "job.log"), exitCodeFile: join(runDir, "exit-code") };
}

/** Slurm's `--output` for a job array: `%a` becomes the element's index, so each run logs to its own folder. */
export function arrayLogPattern(runsDir: string): string {
  return join(runsDir, "%a", "job.log");
}
