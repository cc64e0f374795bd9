import type { TaskFileIssue } from "./parse-task-file.js";
import { lookUpPath, type ProjectView } from "./project-view.js";
import type { Task } from "./task.js";

export type { PathKind } from "./project-view.js";

/**
 * Checks a parsed task against the files of the project it came with: the
 * pyproject, the lockfile and each wheel must be files, the workdir a folder,
 * each upload source present; none of them may be a symlink or lie behind
 * one (a link could lead the runner out of the project). Returns every issue.
 */
export function checkTaskFiles(task: Task, file: string, view: Pick<ProjectView, "kind">): TaskFileIssue[] {
  const issues: TaskFileIssue[] = [];
  const want = (key: string, path: string, kinds: readonly ("file" | "dir")[], what: string): void => {
    const { kind, link } = lookUpPath(view, path);
    const quoted = JSON.stringify(path);
    if (link !== undefined && link !== path) issues.push({ file, key, message: `expected ${what}, got a path through the symlink ${JSON.stringify(link)} (${quoted})` });
    else if (kind === "link") issues.push({ file, key, message: `expected ${what}, got a symlink at ${quoted}` });
    else if (kind === undefined) issues.push({ file, key, message: `expected ${what}, but ${quoted} is not in the project` });
    else if (!kinds.includes(kind)) issues.push({ file, key, message: `expected ${what}, got a ${kind === "dir" ? "folder" : "file"} at ${quoted}` });
  };
  // Keys are named in the newer spelling; both spellings land in the same place.
  want("environment.pyproject", task.environment.pyproject, ["file"], "a file (the project's pyproject.toml; `uv init` writes one)");
  want("environment.lockfile", task.environment.lockfile, ["file"], "a file (the uv lockfile; run `uv lock` and commit uv.lock)");
  task.environment.extraWheels.forEach((wheel, i) => want(`environment.extra_wheels[${i}]`, wheel, ["file"], "a wheel file"));
  want("run.workdir", task.run.workdir, ["dir"], "a folder of the project");
  task.files.upload.forEach((u, i) => want(`files.upload[${i}].local`, u.local, ["file", "dir"], "a file or folder of the project"));
  return issues;
}
