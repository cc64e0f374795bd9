import { checkLockfile } from "./check-lockfile.js";
import { checkTaskFiles } from "./check-task-files.js";
import { decodeTaskFile } from "./decode-task-file.js";
import { parseTaskFile, TASK_FILE_NAMES, TaskFileError, type TaskFileIssue } from "./parse-task-file.js";
import type { ProjectView } from "./project-view.js";
import type { Task } from "./task.js";

/** The server's verdict on a project: the task it would run, or every issue that stops it. */
export type ProjectVerdict = { ok: true; task: Task; file: string } | { ok: false; issues: TaskFileIssue[] };

const UTF8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Every check a push goes through before anything is uploaded, in one
 * function that `ailab validate` (over the working folder) and the action
 * (over the pushed commit) both call, so that `validate` says what the
 * server will say, word for word:
 *
 * - exactly one task file at the root: `task.toml` or `task_config.toml`.
 *   Both is refused, not resolved by a rule: one of them would be silently
 *   ignored, and `ailab submit` already refuses the pair;
 * - the file is a regular file of UTF-8 text within the size limits, and
 *   parses (parseTaskFile, with `branch` giving the default name);
 * - the files it names are there, of the right kind, not through a symlink
 *   (checkTaskFiles);
 * - the lockfile matches the pyproject (checkLockfile).
 */
export async function checkProject(view: ProjectView, options: { branch?: string }): Promise<ProjectVerdict> {
  const refuse = (file: string, key: string, message: string): ProjectVerdict => ({ ok: false, issues: [{ file, key, message }] });
  const present = TASK_FILE_NAMES.filter((name) => view.kind(name) !== undefined);
  if (present.length === 0) {
    return refuse(TASK_FILE_NAMES[0], "(file)", `expected ${TASK_FILE_NAMES.join(" or ")} at the root of the project (\`ailab init\` writes one)`);
  }
  if (present.length > 1) {
    return refuse(present[0]!, "(file)", `expected one task file, got both ${present.join(" and ")}; keep one of them (git rm the other)`);
  }
  const file = present[0]!;
  const kind = view.kind(file);
  if (kind !== "file") return refuse(file, "(file)", `expected a file, got ${kind === "dir" ? "a folder" : "a symlink"} named ${file}`);
  const decoded = decodeTaskFile(await view.read(file), file);
  if (!decoded.ok) return { ok: false, issues: [decoded.issue] };

  let task: Task;
  try {
    task = parseTaskFile(decoded.text, { file, ...(options.branch !== undefined ? { branch: options.branch } : {}) });
  } catch (e) {
    if (e instanceof TaskFileError) return { ok: false, issues: e.issues };
    throw e;
  }
  const fileIssues = checkTaskFiles(task, file, view);
  if (fileIssues.length > 0) return { ok: false, issues: fileIssues };

  const { pyproject, lockfile } = task.environment;
  const texts = await Promise.all([pyproject, lockfile].map(async (path) => {
    try {
      return UTF8.decode(await view.read(path));
    } catch (e) {
      if (e instanceof TypeError) return undefined; // not UTF-8
      throw e;
    }
  }));
  const [pyprojectText, lockText] = texts;
  if (pyprojectText === undefined) return refuse(pyproject, "(file)", "expected UTF-8 text, got bytes that are not UTF-8; save the file as UTF-8");
  if (lockText === undefined) return refuse(lockfile, "(file)", "expected UTF-8 text, got bytes that are not UTF-8; run `uv lock` and commit the new uv.lock");
  const lockIssues = checkLockfile(pyprojectText, lockText, { pyproject, lockfile });
  if (lockIssues.length > 0) return { ok: false, issues: lockIssues };
  return { ok: true, task, file };
}
