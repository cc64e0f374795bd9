import type { TaskState } from "../../core/api/types.js";
import type { Artifact } from "../../core/protocol/messages.js";
import type { Db } from "../action-db.js";
import { enqueueForgeUpdate } from "../forge/forge-outbox.js";
import { forgeStateOf, isFinal, type TaskRecord } from "./task-record.js";

interface TaskRow {
  id: string;
  user: string;
  repo: string;
  branch: string;
  commit_id: string;
  name: string;
  state: TaskState;
  forge_state: TaskRecord["forgeState"];
  description: string;
  exit_code: number | null;
  output: string | null;
  artifacts: string;
  created_at: string;
  updated_at: string;
  last_seq: number;
  cancel_requested: number;
  runner: string | null;
}

function fromRow(row: TaskRow): TaskRecord {
  return {
    id: row.id,
    user: row.user,
    repo: row.repo,
    branch: row.branch,
    commit: row.commit_id,
    name: row.name,
    state: row.state,
    forgeState: row.forge_state,
    description: row.description,
    exitCode: row.exit_code,
    output: row.output,
    artifacts: JSON.parse(row.artifacts) as Artifact[],
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastSeq: row.last_seq,
    cancelRequested: row.cancel_requested === 1,
    runner: row.runner,
  };
}

export type NewTask = Pick<TaskRecord, "id" | "user" | "repo" | "branch" | "commit" | "name" | "state" | "description"> & {
  now: string;
  /** The runner it is sent to; absent for a task that is not sent. */
  runner?: string;
  /** False: the forge gets its status only, no release (a push refused at the door). */
  release?: boolean;
};

/** Inserts a task; its forge state follows from its state, and the forge is yet to be told (the forge outbox). */
export function insertTask(db: Db, task: NewTask): void {
  db.transaction(() => {
    db.prepare(
      `INSERT INTO tasks (id, user, repo, branch, commit_id, name, state, forge_state, description, created_at, updated_at, runner)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      task.id,
      task.user,
      task.repo,
      task.branch,
      task.commit,
      task.name,
      task.state,
      forgeStateOf(task.state),
      task.description,
      task.now,
      task.now,
      task.runner ?? null,
    );
    enqueueForgeUpdate(db, task.id, task.state, task.description, Date.parse(task.now), task.release ?? true);
  })();
}

export function getTask(db: Db, id: string): TaskRecord | undefined {
  const row = db.prepare("SELECT * FROM tasks WHERE id = ?").get(id) as TaskRow | undefined;
  return row && fromRow(row);
}

export interface TaskFilter {
  repo?: string;
  branch?: string;
  commit?: string;
}

/** Tasks newest first (ids sort by creation time), optionally filtered. */
export function listTasks(db: Db, filter: TaskFilter = {}): TaskRecord[] {
  const conditions: [string, string | undefined][] = [
    ["repo = ?", filter.repo],
    ["branch = ?", filter.branch],
    // A commit may be given abbreviated; only hex digits reach the pattern.
    ["commit_id LIKE ?", filter.commit && `${filter.commit.replace(/[^0-9a-f]/g, "")}%`],
  ];
  const used = conditions.filter((c): c is [string, string] => Boolean(c[1]));
  const where = used.map(([sql]) => sql);
  const args = used.map(([, value]) => value);
  const sql = `SELECT * FROM tasks ${where.length ? "WHERE " + where.join(" AND ") : ""} ORDER BY created_at DESC, id DESC`;
  return (db.prepare(sql).all(...args) as TaskRow[]).map(fromRow);
}

/** Tasks that have not ended, optionally of one branch of one repository. */
export function listUnfinishedTasks(db: Db, filter: { repo?: string; branch?: string } = {}): TaskRecord[] {
  return listTasks(db, filter).filter((t) => !isFinal(t.state));
}

/** Sets a new state and description (the forge state follows) and queues the change for the forge. */
export function updateTaskState(
  db: Db,
  id: string,
  change: { state: TaskState; description: string; now: string; seq?: number; exitCode?: number | null; output?: string; artifacts?: Artifact[] },
): void {
  db.transaction(() => {
    db.prepare(
      `UPDATE tasks SET state = ?, forge_state = ?, description = ?, updated_at = ?,
         last_seq = COALESCE(?, last_seq), exit_code = COALESCE(?, exit_code), output = COALESCE(?, output), artifacts = COALESCE(?, artifacts)
       WHERE id = ?`,
    ).run(
      change.state,
      forgeStateOf(change.state),
      change.description,
      change.now,
      change.seq ?? null,
      change.exitCode ?? null,
      change.output ?? null,
      change.artifacts ? JSON.stringify(change.artifacts) : null,
      id,
    );
    enqueueForgeUpdate(db, id, change.state, change.description, Date.parse(change.now));
  })();
}

export function markCancelRequested(db: Db, id: string): void {
  db.prepare("UPDATE tasks SET cancel_requested = 1 WHERE id = ?").run(id);
}

export function countUnfinished(db: Db): number {
  const row = db.prepare("SELECT COUNT(*) AS n FROM tasks WHERE state NOT IN ('success','failure','error','cancelled')").get() as { n: number };
  return row.n;
}
