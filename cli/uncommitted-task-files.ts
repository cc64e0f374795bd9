import { posix, relative, sep } from "node:path";
import type { Task } from "../core/task/task.js";
import type { CliContext } from "./cli-context.js";
import { git, type GitRepo } from "./git-repo.js";

/**
 * The files a valid task needs (the task file, pyproject, lockfile, wheels)
 * that HEAD does not have. `validate` judges the working folder, a push the
 * commit: a uv.lock that is there but not committed (or ignored by
 * .gitignore) passes one and fails the other, so validate points it out.
 * Paths are relative to the project folder `dir`. Empty before the first
 * commit (`ailab submit` says that itself) and when git cannot tell.
 */
export async function uncommittedTaskFiles(ctx: CliContext, repo: GitRepo, dir: string, file: string, task: Task): Promise<string[]> {
  const prefix = relative(repo.topLevel, dir).split(sep).join("/");
  const inRepo = (path: string) => (prefix === "" ? path : posix.join(prefix, path));
  const wanted = [file, task.environment.pyproject, task.environment.lockfile, ...task.environment.extraWheels];
  // One ls-tree for all of them; -z so that odd file names come back as written.
  const listed = await git(ctx, repo.topLevel, ["ls-tree", "-z", "--name-only", "--full-tree", "HEAD", "--", ...wanted.map(inRepo)]);
  if (listed.exitCode !== 0) return [];
  const present = new Set(listed.stdout.split("\0").filter(Boolean));
  return wanted.filter((path) => !present.has(inRepo(path)));
}
