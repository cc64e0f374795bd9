import { isTaskName } from "../../core/task/task-name.js";

/**
 * The task name when the task file does not give one that can be used: the
 * branch after `ailab/`, made safe. The workflow action names its early
 * pending status `ailab/<this name>` (statusContext in
 * action/workflow/workflow-push.mjs, which cannot import it; a unit test
 * keeps the two the same).
 *
 * @example fallbackTaskName("ailab/train") // "train"
 */
export function fallbackTaskName(branch: string): string {
  const name = branch.replace(/^ailab\//, "").replace(/[^A-Za-z0-9._-]/g, "-").replace(/^[^A-Za-z0-9]+/, "").slice(0, 64);
  return isTaskName(name) ? name : "task";
}
