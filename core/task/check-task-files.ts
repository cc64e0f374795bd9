import type { TaskFileIssue } from "./parse-task-file.js";
import type { Task } from "./task.js";

/** What a path is in a snapshot (a commit's tree, or a folder): undefined when absent. */
export type PathKind = "file" | "dir" | "link" | undefined;

/**
 * Checks a parsed task against the files of the snapshot it came with: the
 * pyproject, the lockfile and each wheel must be files, the workdir a folder,
 * each upload source present; none of them may be a symlink (a link could
 * lead the runner out of the project). The action calls this with the
 * commit's tree, the CLI with the working folder. Returns every issue found.
 */
export function checkTaskFiles(task: Task, file: string, kindOf: (path: string) => PathKind): TaskFileIssue[] {
  const issues: TaskFileIssue[] = [];
  const want = (key: string, path: string, kinds: readonly ("file" | "dir")[], what: string): void => {
    if (path === "." && kinds.includes("dir")) return; // the project root is always there
    const kind = kindOf(path);
    if (kind === "link") issues.push({ file, key, message: `expected ${what}, got a symlink at ${JSON.stringify(path)}` });
    else if (kind === undefined) issues.push({ file, key, message: `expected ${what}, but ${JSON.stringify(path)} is not in the commit` });
    else if (!kinds.includes(kind)) issues.push({ file, key, message: `expected ${what}, got a ${kind === "dir" ? "folder" : "file"} at ${JSON.stringify(path)}` });
  };
  // Keys are named in the newer spelling; both spellings land in the same place.
  want("environment.pyproject", task.environment.pyproject, ["file"], "a file (the project's pyproject.toml)");
  want("environment.lockfile", task.environment.lockfile, ["file"], "a file (the uv lockfile; run `uv lock` and commit uv.lock)");
  task.environment.extraWheels.forEach((wheel, i) => want(`environment.extra_wheels[${i}]`, wheel, ["file"], "a wheel file"));
  want("run.workdir", task.run.workdir, ["dir"], "a folder of the project");
  task.files.upload.forEach((u, i) => want(`files.upload[${i}].local`, u.local, ["file", "dir"], "a file or folder of the project"));
  return issues;
}
