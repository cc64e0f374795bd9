import { sweepRuns } from "./sweep.js";
import { timeLimitSeconds } from "./slurm-forms.js";
import type { Task } from "./task.js";

/**
 * The most GPU-hours a task can use: its GPUs × its time limit, for each run
 * of a sweep (a job array's elements may each run to the limit). The runner
 * reserves this against the user's budget before it releases the task, so a
 * budget holds however many tasks arrive at once. The one place this is
 * decided: fair share, the accounting and the status texts all ask here.
 *
 * @example reservedGpuHours({ resources: { gpus: 2, timeLimit: "0:30:00" } }) // 1
 */
export function reservedGpuHours(task: { resources: Pick<Task["resources"], "gpus" | "timeLimit">; sweep?: Task["sweep"] }): number {
  const { gpus, timeLimit } = task.resources;
  if (gpus === 0) return 0;
  // The schema refuses a time limit it cannot read; a row written before that check reserves nothing rather than failing.
  const seconds = timeLimitSeconds(timeLimit) ?? 0;
  const runs = task.sweep ? sweepRuns(task.sweep).length : 1;
  return (gpus * seconds * runs) / 3600;
}
