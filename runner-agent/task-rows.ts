import type { Db } from "../core/db/open-database.js";
import { Submit, type FinalState } from "../core/protocol/messages.js";
import type { JobHandle } from "./scheduler.js";

export type RunnerTaskState = "queued" | "building" | "running" | "collecting" | "done";

/** One task as the runner keeps it (the `tasks` table, in camelCase). */
export interface TaskRow {
  id: string;
  submit: Submit;
  state: RunnerTaskState;
  cancelRequested: boolean;
  cancelReason: string | null;
  handle: JobHandle | null;
  envDir: string | null;
  receivedAt: number;
  startedAt: number | null;
  endedAt: number | null;
  exitCode: number | null;
  outcome: FinalState | null;
  outcomeDescription: string | null;
  nextSeq: number;
  logOffset: number;
  progressLine: string | null;
  progressAt: number | null;
  gpuIds: string[];
}

/** The columns `updateTask` may change. */
export type TaskChanges = Partial<Omit<TaskRow, "id" | "submit" | "receivedAt">>;

const COLUMNS: Record<keyof TaskChanges, string> = {
  state: "state",
  cancelRequested: "cancel_requested",
  cancelReason: "cancel_reason",
  handle: "job_handle",
  envDir: "env_dir",
  startedAt: "started_at",
  endedAt: "ended_at",
  exitCode: "exit_code",
  outcome: "outcome",
  outcomeDescription: "outcome_description",
  nextSeq: "next_seq",
  logOffset: "log_offset",
  progressLine: "progress_line",
  progressAt: "progress_at",
  gpuIds: "gpu_ids",
};

/** Adds a task as it arrives in a submit message. */
export function insertTask(db: Db, submit: Submit, state: RunnerTaskState, now: number, outcome?: { state: FinalState; description: string }): void {
  db.prepare(
    `INSERT INTO tasks (id, user, repo, branch, commit_sha, submit_json, state, received_at, outcome, outcome_description)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(submit.taskId, submit.user, submit.repo, submit.branch, submit.commit, JSON.stringify(submit), state, now, outcome?.state ?? null, outcome?.description ?? null);
}

export function getTask(db: Db, id: string): TaskRow | undefined {
  const row = db.prepare("SELECT * FROM tasks WHERE id = ?").get(id) as RawRow | undefined;
  return row && fromRaw(row);
}

/** Tasks in any of `states`, in the order they arrived (the queue's order). */
export function tasksIn(db: Db, ...states: RunnerTaskState[]): TaskRow[] {
  const marks = states.map(() => "?").join(", ");
  const rows = db.prepare(`SELECT * FROM tasks WHERE state IN (${marks}) ORDER BY received_at, rowid`).all(...states) as RawRow[];
  return rows.map(fromRaw);
}

export function updateTask(db: Db, id: string, changes: TaskChanges): void {
  const entries = Object.entries(changes) as [keyof TaskChanges, unknown][];
  if (entries.length === 0) return;
  const sets = entries.map(([key]) => `${COLUMNS[key]} = ?`).join(", ");
  const values = entries.map(([key, value]) => toColumn(key, value));
  db.prepare(`UPDATE tasks SET ${sets} WHERE id = ?`).run(...values, id);
}

function toColumn(key: keyof TaskChanges, value: unknown): unknown {
  if (key === "handle") return value === null ? null : JSON.stringify(value);
  if (key === "gpuIds") return JSON.stringify(value);
  if (key === "cancelRequested") return value ? 1 : 0;
  return value;
}

interface RawRow {
  id: string;
  submit_json: string;
  state: RunnerTaskState;
  cancel_requested: number;
  cancel_reason: string | null;
  job_handle: string | null;
  env_dir: string | null;
  received_at: number;
  started_at: number | null;
  ended_at: number | null;
  exit_code: number | null;
  outcome: FinalState | null;
  outcome_description: string | null;
  next_seq: number;
  log_offset: number;
  progress_line: string | null;
  progress_at: number | null;
  gpu_ids: string;
}

function fromRaw(row: RawRow): TaskRow {
  return {
    id: row.id,
    submit: Submit.parse(JSON.parse(row.submit_json)),
    state: row.state,
    cancelRequested: row.cancel_requested !== 0,
    cancelReason: row.cancel_reason,
    handle: row.job_handle === null ? null : (JSON.parse(row.job_handle) as JobHandle),
    envDir: row.env_dir,
    receivedAt: row.received_at,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    exitCode: row.exit_code,
    outcome: row.outcome,
    outcomeDescription: row.outcome_description,
    nextSeq: row.next_seq,
    logOffset: row.log_offset,
    progressLine: row.progress_line,
    progressAt: row.progress_at,
    gpuIds: JSON.parse(row.gpu_ids) as string[],
  };
}
