import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { TestContext } from "node:test";
import type { BatchPlan } from "../../core/sbatch/render-batch-script.js";
import type { Task } from "../../core/task/task.js";
import { tempDir } from "./temp-dir.js";

export interface BatchRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/** A temporary runner layout for one batch script: project, fake uv env, log and exit-code paths. */
export interface BatchFixture {
  root: string;
  paths: BatchPlan["paths"];
  /** A plan for `task` with fixed ids, pointing at this fixture's folders. */
  plan(task: Task, more?: Partial<BatchPlan>): BatchPlan;
  /** Runs a script with real bash, as the local executor does (argv, no shell string). */
  run(script: string): BatchRun;
}

/**
 * Makes the folders a rendered script expects: `project/` (the job's
 * workdir), `env/bin/` (a fake uv environment holding one executable,
 * `ailab-fake-tool`, that prints "fake tool"), and where the log and the exit
 * code go. Removed when the test ends.
 */
export async function createBatchFixture(t: TestContext): Promise<BatchFixture> {
  const root = await tempDir(t, "ailab-batch-");
  const paths = {
    projectDir: join(root, "project"),
    envDir: join(root, "env"),
    logFile: join(root, "job.log"),
    exitCodeFile: join(root, "exit-code"),
  };
  mkdirSync(paths.projectDir);
  mkdirSync(join(paths.envDir, "bin"), { recursive: true });
  const tool = join(paths.envDir, "bin", "ailab-fake-tool");
  writeFileSync(tool, "#!/bin/sh\necho fake tool\n");
  chmodSync(tool, 0o755);
  return {
    root,
    paths,
    plan: (task, more = {}) => ({ taskId: "mfz3k2a1b0-7f2k", user: "alice", task, scheduler: "local", paths, ...more }),
    run(script) {
      const file = join(root, "job.sh");
      writeFileSync(file, script);
      // The environment a runner would give it (its own, not the test's): a UV_CACHE_DIR or AILAB_* set in
      // the shell that runs the tests must not show up in what the script's env is checked against.
      const result = spawnSync("bash", [file], { encoding: "utf8", timeout: 60_000, env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: root } });
      return { exitCode: result.status, stdout: result.stdout, stderr: result.stderr };
    },
  };
}
