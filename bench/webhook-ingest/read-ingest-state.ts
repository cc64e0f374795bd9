import Database from "better-sqlite3";
import { join } from "node:path";

/** Where the action's handling stands, read from its database. */
export interface IngestState {
  /** Deliveries written (each 202 is one row). */
  deliveries: number;
  /** Deliveries not yet turned into a mirror fetch and a diff. */
  unhandledDeliveries: number;
  /** Recorded pushes not yet turned into tasks. */
  pendingPushes: number;
  /** Commit statuses (and releases) not yet posted to the forge. */
  unsentForgeUpdates: number;
  tasks: { branch: string; commit: string }[];
}

/**
 * Opens the running action's database read-only (WAL lets a reader in
 * beside the writer without blocking it), so that watching the action
 * costs its event loop nothing, unlike polling its API.
 */
export function openIngestReader(actionDataDir: string): { read: () => IngestState; close: () => void } {
  const db = new Database(join(actionDataDir, "action.db"), { readonly: true, fileMustExist: true });
  const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
  return {
    read: () =>
      db.transaction(() => ({
        deliveries: count("SELECT COUNT(*) AS n FROM forge_deliveries"),
        unhandledDeliveries: count("SELECT COUNT(*) AS n FROM forge_deliveries WHERE handled_at IS NULL"),
        pendingPushes: count("SELECT COUNT(*) AS n FROM pushes WHERE handled_at IS NULL"),
        unsentForgeUpdates: count("SELECT COUNT(*) AS n FROM forge_outbox WHERE sent_ms IS NULL"),
        tasks: db.prepare("SELECT branch, commit_id AS 'commit' FROM tasks").all() as { branch: string; commit: string }[],
      }))(),
    close: () => db.close(),
  };
}
