// STUB — being written. Interface is final.
import { AilabError } from "../errors.js";
import type { Task } from "./task.js";

export const TASK_FILE_NAMES = ["task.toml", "task_config.toml"] as const;

/** One problem in a task file: which file, which key (dotted), what was expected. */
export interface TaskFileIssue {
  file: string;
  key: string;
  message: string;
}

/** A task file that cannot be used; `issues` lists every problem found. code "TaskFileInvalid". */
export class TaskFileError extends AilabError {
  readonly issues: TaskFileIssue[];
  constructor(issues: TaskFileIssue[]) {
    super("TaskFileInvalid", issues.map((i) => `${i.file}: ${i.key}: ${i.message}`).join("\n"), { issues });
    this.issues = issues;
  }
}

/**
 * Parses task.toml text (either spelling) into a normalised Task.
 * `branch` is the pushed branch (e.g. `ailab/train`): the default task name.
 */
export function parseTaskFile(_text: string, _options: { file: string; branch?: string }): Task {
  throw new Error("not yet");
}
