import { createIgnoreMatcher } from "../../core/ignore-rules.js";
import { checkProject } from "../../core/task/check-project.js";
import type { TaskFileIssue } from "../../core/task/parse-task-file.js";
import type { Task } from "../../core/task/task.js";
import { commitProjectView } from "./commit-project-view.js";
import type { CommitFile, CommitTree } from "./read-commit-tree.js";

/** The outcome of reading a commit's task file: a task to run, or the issues that stop it. */
export type TaskPlan =
  | { ok: true; task: Task; file: string; isIgnored: (path: string) => boolean }
  | { ok: false; issues: TaskFileIssue[] };

const AILABIGNORE = ".ailabignore";

/**
 * Checks the commit with checkProject, the function `ailab validate` runs
 * over the working folder (so the student hears the same verdict there
 * first), and for a valid task adds the ignore rules of `.ailabignore`.
 */
export async function planTask(tree: CommitTree, branch: string, read: (file: CommitFile) => Promise<Uint8Array>): Promise<TaskPlan> {
  const verdict = await checkProject(commitProjectView(tree, read), { branch });
  if (!verdict.ok) return verdict;
  const ignoreFile = tree.files.find((f) => f.path === AILABIGNORE);
  const ignoreText = ignoreFile ? Buffer.from(await read(ignoreFile)).toString("utf8") : "";
  return { ...verdict, isIgnored: createIgnoreMatcher(ignoreText, verdict.task.files.ignore) };
}
