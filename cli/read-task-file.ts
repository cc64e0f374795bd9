import { TASK_FILE_NAMES, parseTaskFile } from "../core/task/parse-task-file.js";
import type { Task } from "../core/task/task.js";
import { UsageError } from "./cli-errors.js";
import type { GitRepo } from "./git-repo.js";

/** The task file as committed at HEAD: what a push sends, whatever the work tree holds. */
export async function readTaskFileAtHead(repo: GitRepo): Promise<{ file: string; text: string }> {
  const found: { file: string; text: string }[] = [];
  for (const file of TASK_FILE_NAMES) {
    const text = await repo.fileAtHead(file);
    if (text !== undefined) found.push({ file, text });
  }
  const [first, second] = found;
  if (!first) {
    throw new UsageError("NoTaskFile", `HEAD has no ${TASK_FILE_NAMES.join(" or ")} at the top of ${repo.topLevel}: run \`ailab init\`, then commit it`);
  }
  if (second) {
    throw new UsageError("TwoTaskFiles", `HEAD has both ${first.file} and ${second.file}; keep one of them`);
  }
  return first;
}

/** Parses the committed task file with `ailab/<defaultName>` as the branch that names it. */
export async function loadTaskAtHead(repo: GitRepo, defaultName: string): Promise<{ file: string; task: Task }> {
  const { file, text } = await readTaskFileAtHead(repo);
  return { file, task: parseTaskFile(text, { file, branch: `ailab/${defaultName}` }) };
}
