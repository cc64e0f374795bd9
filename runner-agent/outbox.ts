import type { Clock } from "../core/clock.js";
import type { Db } from "../core/db/open-database.js";
import type { Logger } from "../core/logger.js";
import type { ActiveState, Completion, TaskEvent } from "../core/protocol/messages.js";
import { deliverInOrder, inboxes, sealMessage } from "../core/protocol/mailbox.js";
import type { RelayStore } from "../core/relay/relay-store.js";

/**
 * What the runner says to the action, written as rows first and sent later.
 * A message is sealed (signed and named) when it is written, so a re-send
 * after a crash or a relay outage writes the very same key: the action sees
 * it once. Call `event` and `completion` inside the transaction that makes
 * the change they report.
 */
export class Outbox {
  constructor(
    private readonly db: Db,
    private readonly secret: string,
    private readonly clock: Clock,
  ) {}

  /** Queues a status event; its `seq` is the task's next one. */
  event(taskId: string, state: ActiveState, description: string): void {
    const row = this.db.prepare("UPDATE tasks SET next_seq = next_seq + 1 WHERE id = ? RETURNING next_seq - 1 AS seq").get(taskId) as { seq: number } | undefined;
    if (!row) throw new Error(`event for unknown task ${taskId}`);
    const event: TaskEvent = { kind: "event", taskId, seq: row.seq, state, description, at: this.clock.now() };
    this.write(event);
  }

  completion(completion: Completion): void {
    this.write(completion);
  }

  private write(body: TaskEvent | Completion): void {
    const now = this.clock.now();
    const message = sealMessage(inboxes.action(), body, this.secret, now);
    this.db.prepare("INSERT INTO outbox (key, bytes, created) VALUES (?, ?, ?)").run(message.key, message.bytes, now);
  }

  /** How many rows wait to be sent. */
  pending(): number {
    return (this.db.prepare("SELECT count(*) AS n FROM outbox WHERE sent IS NULL").get() as { n: number }).n;
  }

  /**
   * Sends unsent rows in order until one fails; a failure is a warning and
   * the rest wait for the next cycle. Returns how many were sent.
   */
  async flush(relay: RelayStore, log: Logger): Promise<number> {
    const rows = this.db.prepare("SELECT key, bytes FROM outbox WHERE sent IS NULL ORDER BY created, rowid").all() as { key: string; bytes: Buffer }[];
    const markSent = this.db.prepare("UPDATE outbox SET sent = ? WHERE key = ?");
    return deliverInOrder(relay, rows, (key) => markSent.run(this.clock.now(), key), log);
  }
}
