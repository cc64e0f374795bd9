import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";

export type Db = Database.Database;

/**
 * Opens (creating if needed) an SQLite database in WAL mode and brings it up
 * to date with numbered migrations: `migrations[i]` takes the schema from
 * version i to i+1, and `PRAGMA user_version` records where it stands, so each
 * runs once, inside a transaction, in order.
 */
export function openDatabase(path: string, migrations: readonly string[]): Db {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("foreign_keys = ON");
  db.pragma("busy_timeout = 5000");
  const current = db.pragma("user_version", { simple: true }) as number;
  for (let version = current; version < migrations.length; version++) {
    db.transaction(() => {
      db.exec(migrations[version]!);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
  return db;
}
