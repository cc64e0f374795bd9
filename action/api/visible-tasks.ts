import type { Db } from "../action-db.js";
import { getTask, listTasks, type TaskFilter } from "../tasks/task-store.js";
import type { TaskRecord } from "../tasks/task-record.js";
import { canRead } from "../users/access.js";
import type { User } from "../users/user-store.js";

/**
 * A user sees their own tasks and those of repositories they may read
 * (owner, grantee); admins see all. Anything else is as if it did not exist.
 */
export function mayView(db: Db, user: User, task: TaskRecord): boolean {
  return user.admin || task.user === user.name || canRead(db, user, task.repo);
}

export function findVisibleTask(db: Db, user: User, id: string): TaskRecord | undefined {
  const task = getTask(db, id);
  return task && mayView(db, user, task) ? task : undefined;
}

export function listVisibleTasks(db: Db, user: User, filter: TaskFilter): TaskRecord[] {
  return listTasks(db, filter).filter((t) => mayView(db, user, t));
}
