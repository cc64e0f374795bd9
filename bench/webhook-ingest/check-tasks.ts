/** How the tasks compare with the branches pushed: exactly one per branch, at the branch's commit. */
export interface TaskCheck {
  tasks: number;
  /** Branches without a task at their commit. */
  lost: string[];
  /** Tasks beyond the first for a branch and commit, or for something never pushed. */
  extra: number;
}

export function checkTasks(commits: ReadonlyMap<string, string>, tasks: readonly { branch: string; commit: string }[]): TaskCheck {
  const seen = new Set<string>();
  let extra = 0;
  for (const task of tasks) {
    const key = `${task.branch} ${task.commit}`;
    if (seen.has(key) || commits.get(task.branch) !== task.commit) extra++;
    seen.add(key);
  }
  const lost = [...commits].filter(([branch, commit]) => !seen.has(`${branch} ${commit}`)).map(([branch]) => branch);
  return { tasks: tasks.length, lost, extra };
}
