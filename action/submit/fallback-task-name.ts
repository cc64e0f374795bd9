import { isTaskName } from "../../core/task/task-name.js";

/**
 * The task name when the task file does not give one that can be used: the
 * branch after `ailab/`, made safe. It is also the commit status context
 * (`ailab/<name>`) a push gets before its task file is read, which is what
 * a workflow's early pending status is posted under.
 *
 * @example fallbackTaskName("ailab/train") // "train"
 */
export function fallbackTaskName(branch: string): string {
  const name = branch.replace(/^ailab\//, "").replace(/[^A-Za-z0-9._-]/g, "-").replace(/^[^A-Za-z0-9]+/, "").slice(0, 64);
  return isTaskName(name) ? name : "task";
}
