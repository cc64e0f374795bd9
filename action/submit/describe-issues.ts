import type { TaskFileIssue } from "../../core/task/parse-task-file.js";

/**
 * The status line of an invalid task: the first issue as
 * `error: <file>: <key>: <message>`, plus "(+N more)" when there are others.
 */
export function describeIssues(issues: readonly TaskFileIssue[]): string {
  const [first] = issues;
  if (!first) return "error: invalid task";
  const more = issues.length > 1 ? ` (+${issues.length - 1} more)` : "";
  return `error: ${first.file}: ${first.key}: ${first.message}${more}`;
}
