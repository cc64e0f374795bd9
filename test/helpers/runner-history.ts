import type { Db } from "../../core/db/open-database.js";
import { sha256 } from "../../core/hash.js";
import { newTaskId } from "../../core/ids.js";
import type { FinalState, Submit } from "../../core/protocol/messages.js";
import { parseTaskFile } from "../../core/task/parse-task-file.js";
import { insertTask, updateTask } from "../../runner-agent/task-rows.js";
import { taskToml } from "./runner-project.js";

export const HOUR_MS = 3_600_000;

/** A submit message for `user` asking for `gpus` GPUs and `cpus` CPUs (the project itself is never fetched). */
export function historicSubmit(user: string, gpus: number, cpus = 1): Submit {
  const toml = taskToml(["true"], { gpus }).replace("cpus = 1", `cpus = ${cpus}`);
  return {
    kind: "submit",
    taskId: newTaskId(),
    user,
    repo: `${user}/demo`,
    branch: "ailab/demo",
    commit: "0123456789abcdef0123456789abcdef01234567",
    task: parseTaskFile(toml, { file: "task.toml", branch: "ailab/demo" }),
    tree: sha256("tree"),
    env: sha256("env"),
    submittedAt: 0,
  };
}

/**
 * Writes a task that ran from `startedAt` to `endedAt` and ended `outcome`
 * into a runner database, through the same steps the runner takes
 * (queued → running → collecting → done), so the hours it recorded are the
 * runner's own. Returns the task id.
 */
export function seedFinishedTask(db: Db, task: { user: string; gpus: number; cpus?: number; startedAt: number; endedAt: number; outcome: FinalState }): string {
  const submit = historicSubmit(task.user, task.gpus, task.cpus);
  insertTask(db, submit, "queued", task.startedAt);
  updateTask(db, submit.taskId, { state: "running", startedAt: task.startedAt });
  updateTask(db, submit.taskId, { state: "collecting", endedAt: task.endedAt, exitCode: task.outcome === "success" ? 0 : 1 });
  updateTask(db, submit.taskId, { state: "done", outcome: task.outcome, outcomeDescription: task.outcome });
  return submit.taskId;
}
