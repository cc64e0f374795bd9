import { constants } from "node:fs";
import { cp, rm } from "node:fs/promises";
import { runPaths, type JobPaths } from "./job-paths.js";
import { materializeProject } from "./materialize-project.js";
import type { RunnerContext } from "./runner-context.js";
import type { TaskRow } from "./task-rows.js";

/**
 * Lays the task's snapshot out for its job: one copy in `project/`, or for a
 * sweep of `runs` runs one copy per run in `runs/<index>/project/`, so that
 * runs never write into each other's output. The first run's copy comes
 * from the snapshot and the others are copied from it (a reflink where the
 * file system can) before any run starts. What an earlier attempt left is
 * replaced as a whole.
 */
export async function layOutProject(ctx: RunnerContext, task: TaskRow, paths: JobPaths, runs: number): Promise<void> {
  const materialize = (projectDir: string) =>
    materializeProject({ relay: ctx.relay, objects: ctx.objects, tree: task.submit.tree, upload: task.submit.task.files.upload, projectDir });
  if (runs === 0) {
    await materialize(paths.projectDir);
    return;
  }
  await rm(paths.runsDir, { recursive: true, force: true });
  // An earlier attempt's exit codes would read as runs that ended.
  await rm(paths.runFilesDir, { recursive: true, force: true });
  const first = runPaths(paths, 0).projectDir;
  await materialize(first);
  for (let index = 1; index < runs; index++) {
    await cp(first, runPaths(paths, index).projectDir, { recursive: true, mode: constants.COPYFILE_FICLONE, verbatimSymlinks: true });
  }
}
