import { openDatabase, type Db } from "../core/db/open-database.js";

/**
 * The runner's state in SQLite. `tasks.state` moves
 * queued → building → running → collecting → done, and each move is written
 * before the step it starts is taken, so a restart knows where to go on.
 * `outcome` is set early when a task ends without running to its end
 * (cancelled, environment error); otherwise the exit code decides.
 */
const MIGRATIONS = [
  `CREATE TABLE tasks (
     id TEXT PRIMARY KEY,
     user TEXT NOT NULL,
     repo TEXT NOT NULL,
     branch TEXT NOT NULL,
     commit_sha TEXT NOT NULL,
     submit_json TEXT NOT NULL,
     state TEXT NOT NULL CHECK (state IN ('queued', 'building', 'running', 'collecting', 'done')),
     cancel_requested INTEGER NOT NULL DEFAULT 0,
     cancel_reason TEXT,
     job_handle TEXT,
     env_dir TEXT,
     received_at INTEGER NOT NULL,
     started_at INTEGER,
     ended_at INTEGER,
     exit_code INTEGER,
     outcome TEXT,
     outcome_description TEXT,
     next_seq INTEGER NOT NULL DEFAULT 0,
     log_offset INTEGER NOT NULL DEFAULT 0,
     progress_line TEXT,
     progress_at INTEGER
   );
   CREATE INDEX tasks_by_state ON tasks (state);
   CREATE TABLE applied_messages (id TEXT PRIMARY KEY, applied_at INTEGER NOT NULL);
   CREATE TABLE tombstones (task_id TEXT PRIMARY KEY, reason TEXT NOT NULL, created INTEGER NOT NULL);
   CREATE TABLE outbox (
     key TEXT PRIMARY KEY,
     bytes BLOB NOT NULL,
     created INTEGER NOT NULL,
     sent INTEGER
   );
   CREATE INDEX outbox_unsent ON outbox (sent, created);`,
  // 2: the GPUs the local executor handed a task (JSON array of CUDA_VISIBLE_DEVICES ids).
  `ALTER TABLE tasks ADD COLUMN gpu_ids TEXT NOT NULL DEFAULT '[]';`,
  // 3: accounting. A task's GPU- and CPU-hours are written once, when it is
  // done (by the trigger, whichever step ends it), from what it asked for and
  // how long it ran, so later edits of the row do not change history; tasks
  // done before are filled in. `settings` keeps what the runner runs with
  // (its fair-share limits) for commands that only read the database.
  `ALTER TABLE tasks ADD COLUMN gpu_hours REAL;
   ALTER TABLE tasks ADD COLUMN cpu_hours REAL;
   CREATE TRIGGER tasks_record_hours AFTER UPDATE OF state ON tasks
     WHEN NEW.state = 'done' AND NEW.gpu_hours IS NULL
   BEGIN
     UPDATE tasks SET gpu_hours = ${hours("gpus", "NEW.")}, cpu_hours = ${hours("cpus", "NEW.")} WHERE id = NEW.id;
   END;
   UPDATE tasks SET gpu_hours = ${hours("gpus", "")}, cpu_hours = ${hours("cpus", "")} WHERE state = 'done';
   CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);`,
];

/** SQL for a task's resource-hours: what it asked for × how long it ran (0 when it never ran). Part of migration 3: leave as it is. */
function hours(resource: "gpus" | "cpus", row: string): string {
  return `coalesce(json_extract(${row}submit_json, '$.task.resources.${resource}'), 0) * coalesce(max(0, ${row}ended_at - ${row}started_at), 0) / 3600000.0`;
}

const KEEP_SENT_MS = 24 * 3600 * 1000;
const KEEP_APPLIED_MS = 30 * 24 * 3600 * 1000;

/**
 * Forgets what no longer matters: outbox rows sent a day ago, and ids of
 * messages applied a month ago (an id matters only while the message could
 * come again, and inboxes are emptied as they are read).
 */
export function pruneHistory(db: Db, now: number): void {
  db.prepare("DELETE FROM outbox WHERE sent IS NOT NULL AND sent < ?").run(now - KEEP_SENT_MS);
  db.prepare("DELETE FROM applied_messages WHERE applied_at < ?").run(now - KEEP_APPLIED_MS);
}

/** The key under which the runner records its fair-share limits. */
export const FAIR_SHARE_SETTING = "fair-share";

/** Records a setting the running runner uses (JSON), for readers of the database. */
export function writeSetting(db: Db, key: string, value: unknown): void {
  db.prepare("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(key, JSON.stringify(value));
}

/** A setting as the runner last wrote it; undefined when it never did. */
export function readSetting(db: Db, key: string): unknown {
  const row = db.prepare("SELECT value FROM settings WHERE key = ?").get(key) as { value: string } | undefined;
  return row === undefined ? undefined : (JSON.parse(row.value) as unknown);
}

/** Opens (creating or migrating) the runner's database at `path`. */
export function openRunnerDb(path: string): Db {
  return openDatabase(path, MIGRATIONS);
}
