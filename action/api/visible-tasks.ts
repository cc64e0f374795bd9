import type { Db } from "../action-db.js";
import { getTask, listTasks, type TaskFilter } from "../tasks/task-store.js";
import type { TaskRecord } from "../tasks/task-record.js";
import { allows, type Accounts } from "../users/accounts.js";
import type { User } from "../users/user-store.js";

/**
 * A user sees their own tasks and those of repositories they may read
 * (the built-in host's owner and grantees, or the forge's permission);
 * admins see all. Anything else is as if it did not exist.
 */
export async function mayView(accounts: Accounts, user: User, task: TaskRecord): Promise<boolean> {
  return user.admin || task.user === user.name || allows(await accounts.permission(user, task.repo), "read");
}

/** Cancelling takes more than seeing: the task's own user, write access to its repository, or an admin. */
export async function mayCancel(accounts: Accounts, user: User, task: TaskRecord): Promise<boolean> {
  return user.admin || task.user === user.name || allows(await accounts.permission(user, task.repo), "write");
}

export async function findVisibleTask(db: Db, accounts: Accounts, user: User, id: string): Promise<TaskRecord | undefined> {
  const task = getTask(db, id);
  return task && (await mayView(accounts, user, task)) ? task : undefined;
}

/** The tasks the user may see; the permission is asked once per repository. */
export async function listVisibleTasks(db: Db, accounts: Accounts, user: User, filter: TaskFilter): Promise<TaskRecord[]> {
  const tasks = listTasks(db, filter);
  const readable = new Map<string, boolean>();
  const visible: TaskRecord[] = [];
  for (const task of tasks) {
    if (user.admin || task.user === user.name) {
      visible.push(task);
      continue;
    }
    let ok = readable.get(task.repo);
    if (ok === undefined) {
      ok = allows(await accounts.permission(user, task.repo), "read");
      readable.set(task.repo, ok);
    }
    if (ok) visible.push(task);
  }
  return visible;
}
