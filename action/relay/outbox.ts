import type { Logger } from "../../core/logger.js";
import { deliverInOrder, type OutgoingMessage } from "../../core/protocol/mailbox.js";
import type { RelayStore } from "../../core/relay/relay-store.js";
import type { Db } from "../action-db.js";

/**
 * Relay messages are first written here, in the same transaction as the
 * state change that decided them, then sent until the write succeeds: a
 * crash or a relay outage delays a message and loses none.
 */
export function enqueueMessage(db: Db, message: OutgoingMessage, now: string): void {
  db.prepare("INSERT OR IGNORE INTO outbox (key, bytes, created_at) VALUES (?, ?, ?)").run(message.key, Buffer.from(message.bytes), now);
}

/** Sends every unsent message in order; stops at the first failure (retried next cycle). Returns how many went out. */
export async function deliverOutbox(db: Db, store: RelayStore, log: Logger, now: () => string): Promise<number> {
  const rows = db.prepare("SELECT key, bytes FROM outbox WHERE sent_at IS NULL ORDER BY created_at, key").all() as { key: string; bytes: Buffer }[];
  const markSent = db.prepare("UPDATE outbox SET sent_at = ? WHERE key = ?");
  return deliverInOrder(store, rows, (key) => markSent.run(now(), key), log);
}
