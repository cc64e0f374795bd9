import { posix } from "node:path";
import { createIgnoreMatcher } from "../../core/ignore-rules.js";
import { checkTaskFiles } from "../../core/task/check-task-files.js";
import { parseTaskFile, TASK_FILE_NAMES, TaskFileError, type TaskFileIssue } from "../../core/task/parse-task-file.js";
import type { Task } from "../../core/task/task.js";
import type { CommitFile, CommitTree } from "./read-commit-tree.js";

/** The outcome of reading a commit's task file: a task to run, or the issues that stop it. */
export type TaskPlan =
  | { ok: true; task: Task; file: string; isIgnored: (path: string) => boolean }
  | { ok: false; issues: TaskFileIssue[] };

const AILABIGNORE = ".ailabignore";

/**
 * Finds task.toml (or task_config.toml) at the root of the commit, parses it
 * and checks that the files it names are in the commit. Links and
 * submodules count as absent for that check: they are never uploaded.
 */
export async function planTask(tree: CommitTree, branch: string, readText: (file: CommitFile) => Promise<string>): Promise<TaskPlan> {
  const byPath = new Map(tree.files.map((f) => [f.path, f]));
  const name = TASK_FILE_NAMES.find((n) => byPath.has(n));
  if (!name) {
    return { ok: false, issues: [{ file: TASK_FILE_NAMES[0], key: "(file)", message: `expected ${TASK_FILE_NAMES.join(" or ")} at the root of the commit` }] };
  }
  let task: Task;
  try {
    task = parseTaskFile(await readText(byPath.get(name)!), { file: name, branch });
  } catch (e) {
    if (e instanceof TaskFileError) return { ok: false, issues: e.issues };
    throw e;
  }
  const ignoreFile = byPath.get(AILABIGNORE);
  const ignoreText = ignoreFile ? await readText(ignoreFile) : "";
  const isIgnored = createIgnoreMatcher(ignoreText, task.files.ignore);
  const links = new Set(tree.links);
  const kindOf = (path: string) => {
    const normal = posix.normalize(path);
    if (normal === "." || tree.dirs.has(normal)) return "dir" as const;
    if (byPath.has(normal)) return "file" as const;
    if (links.has(normal)) return "link" as const;
    return undefined;
  };
  const issues = checkTaskFiles(task, name, kindOf);
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, task, file: name, isIgnored };
}
