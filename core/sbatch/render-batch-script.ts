// STUB — being written. Interface is final.
import type { Task } from "../task/task.js";

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
}

/** Renders templates/sbatch.hbs (or `template`, an admin's replacement) for a plan. */
export function renderBatchScript(_plan: BatchPlan, _template?: string): string {
  throw new Error("not yet");
}
