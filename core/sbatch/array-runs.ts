import { join } from "node:path";

/** Where one run of a sweep keeps its files. */
export interface ArrayRunPaths {
  runDir: string;
  /** The run's own copy of the project: runs never write into each other's output/. */
  projectDir: string;
  /** The run's output and the code it exited with, written by the batch script; the runner reads them. */
  logFile: string;
  exitCodeFile: string;
}

/**
 * The layout of a sweep's runs: `<runsDir>/<index>/project` for the run's
 * copy of the project and `<runFilesDir>/<index>/{job.log,exit-code}` for
 * what the runner reads back. The runner keeps the two in separate trees so
 * that no job runs inside (or below) the folder holding the files the
 * runner trusts; `runFilesDir` defaults to `runsDir` for a layout that keeps
 * them together. The batch script writes there and the runner lays out,
 * watches and collects there, so both take it from here.
 */
export function arrayRunPaths(runsDir: string, index: number, runFilesDir = runsDir): ArrayRunPaths {
  const runDir = join(runsDir, String(index));
  const filesDir = join(runFilesDir, String(index));
  return { runDir, projectDir: join(runDir, "project"), logFile: join(filesDir, "job.log"), exitCodeFile: join(filesDir, "exit-code") };
}

/** Slurm's `--output` for a job array: `%a` becomes the element's index, so each run logs to its own folder. */
export function arrayLogPattern(runFilesDir: string): string {
  return join(runFilesDir, "%a", "job.log");
}
