import { TASK_NAME_PATTERN } from "./task.js";

/** How messages describe a valid task name. */
export const TASK_NAME_EXPECTED =
  "a task name of letters, digits, _ . - (starting with a letter or digit, at most 64, no .., not ending in . or .lock)";

/**
 * True when `name` can be a task name: it becomes the branch `ailab/<name>`
 * and the tag `ailab/<task id>` is made beside it, so it must be a valid git
 * ref component as well as match TASK_NAME_PATTERN — git refuses `..`
 * anywhere and a component ending in `.` or `.lock`. The parser, `--name` and
 * `ailab init` all ask this one function.
 *
 * @example isTaskName("resnet-v2") // true
 * @example isTaskName("resnet..v2") // false
 */
export function isTaskName(name: string): boolean {
  return TASK_NAME_PATTERN.test(name) && !name.includes("..") && !name.endsWith(".") && !name.endsWith(".lock");
}
