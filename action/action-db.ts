import { join } from "node:path";
import { openDatabase, type Db } from "../core/db/open-database.js";

/**
 * The action's state, one SQLite file in the data folder. Each string takes
 * the schema one version further; append, never edit, once released.
 * Repositories are named "owner/name" throughout.
 */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE users (
    name TEXT PRIMARY KEY,
    admin INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
  );
  -- Only the SHA-256 of a token is kept; the token itself is shown once.
  CREATE TABLE tokens (
    hash TEXT PRIMARY KEY,
    user TEXT NOT NULL REFERENCES users(name),
    created_at TEXT NOT NULL
  );
  CREATE TABLE grants (
    user TEXT NOT NULL REFERENCES users(name),
    repo TEXT NOT NULL,
    write INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (user, repo)
  );
  -- The ailab/* branches of each repository as last seen: push detection diffs against it.
  CREATE TABLE ref_state (
    repo TEXT NOT NULL,
    ref TEXT NOT NULL,
    commit_id TEXT NOT NULL,
    PRIMARY KEY (repo, ref)
  );
  -- A push is (repository, ref, commit): the same triple twice is one push.
  CREATE TABLE pushes (
    id INTEGER PRIMARY KEY,
    repo TEXT NOT NULL,
    ref TEXT NOT NULL,
    commit_id TEXT NOT NULL,
    before_id TEXT,
    pusher TEXT NOT NULL,
    received_at TEXT NOT NULL,
    handled_at TEXT,
    task_id TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    UNIQUE (repo, ref, commit_id)
  );
  CREATE TABLE tasks (
    id TEXT PRIMARY KEY,
    user TEXT NOT NULL,
    repo TEXT NOT NULL,
    branch TEXT NOT NULL,
    commit_id TEXT NOT NULL,
    name TEXT NOT NULL,
    state TEXT NOT NULL,
    forge_state TEXT NOT NULL,
    description TEXT NOT NULL,
    exit_code INTEGER,
    artifacts TEXT NOT NULL DEFAULT '[]',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    last_seq INTEGER NOT NULL DEFAULT -1,
    cancel_requested INTEGER NOT NULL DEFAULT 0,
    -- 1 while the forge has not yet been told the current state.
    forge_dirty INTEGER NOT NULL DEFAULT 1
  );
  CREATE INDEX tasks_by_repo ON tasks (repo, branch, commit_id);
  CREATE INDEX tasks_forge_dirty ON tasks (forge_dirty) WHERE forge_dirty = 1;
  CREATE TABLE applied_messages (
    id TEXT PRIMARY KEY,
    applied_at TEXT NOT NULL
  );
  -- Relay messages decided but maybe not yet written; sent until the write succeeds.
  CREATE TABLE outbox (
    key TEXT PRIMARY KEY,
    bytes BLOB NOT NULL,
    created_at TEXT NOT NULL,
    sent_at TEXT
  );
  -- The built-in forge's commit statuses: one per (repository, commit, context).
  CREATE TABLE commit_statuses (
    repo TEXT NOT NULL,
    commit_id TEXT NOT NULL,
    context TEXT NOT NULL,
    state TEXT NOT NULL,
    description TEXT NOT NULL,
    target_url TEXT NOT NULL,
    task_id TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (repo, commit_id, context)
  );
  `,
  // Failed submissions wait before the next try (milliseconds since the epoch).
  `ALTER TABLE pushes ADD COLUMN next_attempt_at INTEGER NOT NULL DEFAULT 0;`,
  `
  -- Each runner's latest heartbeat: what it offers, what is free. Lists are JSON.
  -- reported_at is the runner's clock (orders heartbeats); last_seen the action's (staleness).
  CREATE TABLE runners (
    name TEXT PRIMARY KEY,
    scheduler TEXT NOT NULL,
    partitions TEXT NOT NULL,
    gpu_types TEXT NOT NULL,
    total_gpus INTEGER NOT NULL,
    free_gpus INTEGER NOT NULL,
    gpus TEXT NOT NULL,
    reported_at INTEGER NOT NULL,
    last_seen INTEGER NOT NULL
  );
  -- Per-user use of each runner's cluster account, as its latest heartbeat counted it.
  CREATE TABLE accounting (
    runner TEXT NOT NULL,
    user TEXT NOT NULL,
    tasks INTEGER NOT NULL,
    succeeded INTEGER NOT NULL,
    failed INTEGER NOT NULL,
    gpu_hours REAL NOT NULL,
    cpu_hours REAL NOT NULL,
    gpu_hours_in_period REAL NOT NULL,
    gpu_hours_budget REAL,
    period_hours REAL NOT NULL,
    running_jobs INTEGER NOT NULL,
    max_running_jobs INTEGER,
    max_gpus INTEGER,
    PRIMARY KEY (runner, user)
  );
  CREATE INDEX accounting_by_user ON accounting (user);
  -- The runner a task was sent to (NULL: sent before routing, i.e. to the configured runner).
  ALTER TABLE tasks ADD COLUMN runner TEXT;
  `,
  // A failed job's last lines of output, as its runner sent them (NULL: none).
  `ALTER TABLE tasks ADD COLUMN output TEXT;`,
  // The Python versions a runner has, a JSON list (NULL: a runner too old to say).
  `ALTER TABLE runners ADD COLUMN pythons TEXT;`,
  `
  -- A push is a change of a ref (what ref_state records), not a (repository, ref, commit) triple:
  -- going back to an older commit, or re-pushing after deleting the branch, is a new push.
  CREATE TABLE pushes_v2 (
    id INTEGER PRIMARY KEY,
    repo TEXT NOT NULL,
    ref TEXT NOT NULL,
    commit_id TEXT NOT NULL,
    before_id TEXT,
    pusher TEXT NOT NULL,
    received_at TEXT NOT NULL,
    handled_at TEXT,
    task_id TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL DEFAULT 0
  );
  INSERT INTO pushes_v2 SELECT id, repo, ref, commit_id, before_id, pusher, received_at, handled_at, task_id, attempts, next_attempt_at FROM pushes;
  DROP TABLE pushes;
  ALTER TABLE pushes_v2 RENAME TO pushes;
  CREATE INDEX pushes_pending ON pushes (handled_at) WHERE handled_at IS NULL;
  -- What the forge is to be told, per task, in order: every state change, progress coalesced.
  CREATE TABLE forge_outbox (
    id INTEGER PRIMARY KEY,
    task_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('status', 'release')),
    task_state TEXT NOT NULL,
    description TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    not_before INTEGER NOT NULL DEFAULT 0,
    sent_ms INTEGER,
    attempts INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX forge_outbox_unsent ON forge_outbox (task_id, id) WHERE sent_ms IS NULL;
  INSERT INTO forge_outbox (task_id, kind, task_state, description, created_ms)
    SELECT id, 'status', state, description, 0 FROM tasks WHERE forge_dirty = 1 ORDER BY id;
  INSERT INTO forge_outbox (task_id, kind, task_state, description, created_ms)
    SELECT id, 'release', state, description, 0 FROM tasks
    WHERE forge_dirty = 1 AND state IN ('success', 'failure', 'error', 'cancelled') ORDER BY id;
  -- Webhook deliveries, written before the 202: hints that a repository changed, handled by a fetch.
  CREATE TABLE forge_deliveries (
    id INTEGER PRIMARY KEY,
    delivery_id TEXT NOT NULL,
    event TEXT NOT NULL,
    repo TEXT NOT NULL,
    ref TEXT NOT NULL,
    after_id TEXT,
    pusher TEXT NOT NULL,
    received_at TEXT NOT NULL,
    handled_at TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX forge_deliveries_pending ON forge_deliveries (repo) WHERE handled_at IS NULL;
  -- The forge repositories the reconcile lists: hooked one by one, through an organisation, or seen in a delivery.
  CREATE TABLE forge_targets (
    target TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('org', 'repo')),
    hook_id INTEGER,
    added_at TEXT NOT NULL
  );
  `,
  // How a runner keeps its jobs apart: bwrap or none (NULL: a runner too old to say).
  `ALTER TABLE runners ADD COLUMN sandbox TEXT;`,
  `
  -- Tokens can expire and be revoked (revoked rows stay, so a revoked token is told apart from
  -- an unknown one); last use is kept to the minute for "user list". prefix: the token's first
  -- characters after ailab_, so an admin can name a leaked token (NULL for older tokens).
  ALTER TABLE tokens ADD COLUMN expires_at TEXT;
  ALTER TABLE tokens ADD COLUMN revoked_at TEXT;
  ALTER TABLE tokens ADD COLUMN last_used_at TEXT;
  ALTER TABLE tokens ADD COLUMN prefix TEXT;
  CREATE INDEX tokens_by_user ON tokens (user);
  `,
];

/** Opens (creating and migrating) `<dataDir>/action.db`. Safe beside a running server (WAL). */
export function openActionDb(dataDir: string): Db {
  return openDatabase(join(dataDir, "action.db"), MIGRATIONS);
}

export type { Db };
