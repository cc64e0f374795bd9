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
];

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

/** Opens (creating or migrating) the runner's database at `path`. */
export function openRunnerDb(path: string): Db {
  return openDatabase(path, MIGRATIONS);
}
