import { basename } from "node:path";
import { isTaskName, TASK_NAME_EXPECTED } from "../core/task/task-name.js";
import { quoteString } from "../core/task/toml-table-reader.js";
import { UsageError } from "./cli-errors.js";
import type { GitRepo } from "./git-repo.js";

/**
 * A task name made from free text (a branch or folder name): a leading
 * `ailab/` dropped, other characters than letters, digits, `.`, `_`, `-`
 * turned into `-`, and cut to 64. Undefined when nothing usable is left.
 * Example: `feature/new-loss` → `feature-new-loss`.
 */
export function taskNameFrom(text: string): string | undefined {
  const name = text
    .replace(/^ailab\//, "")
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .replace(/\.{2,}/g, ".")
    .replace(/^[^A-Za-z0-9]+/, "")
    .slice(0, 64)
    .replace(/(\.lock|[.-])+$/, "");
  return isTaskName(name) ? name : undefined;
}

/**
 * The name a task gets when task.toml does not set one: the current branch,
 * else the project folder's name, else "task".
 */
export async function defaultTaskName(repo: GitRepo | undefined, dir: string): Promise<string> {
  const branch = repo ? await repo.currentBranch() : undefined;
  return (branch && taskNameFrom(branch)) ?? taskNameFrom(basename(repo?.topLevel ?? dir)) ?? "task";
}

/** Checks a name the user typed (`--name`): it becomes the branch `ailab/<name>`. */
export function checkTaskName(name: string): string {
  if (!isTaskName(name)) {
    throw new UsageError("BadTaskName", `task name ${quoteString(name)}: expected ${TASK_NAME_EXPECTED} (e.g. "train-resnet")`);
  }
  return name;
}
