import { setTimeout as sleep } from "node:timers/promises";
import { silentLogger } from "../../core/logger.js";
import { drainInbox, inboxes } from "../../core/protocol/mailbox.js";
import { ToAction, type Completion, type Heartbeat, type TaskEvent } from "../../core/protocol/messages.js";
import type { RelayStore } from "../../core/relay/relay-store.js";

/** The action's inbox as a test reads it: every message the runner sent, in arrival order. */
export class ActionInbox {
  readonly messages: ToAction[] = [];

  constructor(
    private readonly store: RelayStore,
    private readonly secret: string,
  ) {}

  /** Drains the to-action inbox exactly as the action does. */
  async read(): Promise<void> {
    await drainInbox(this.store, inboxes.action(), this.secret, ToAction, (m) => void this.messages.push(m.body), silentLogger);
  }

  events(taskId: string): TaskEvent[] {
    return this.messages.filter((m): m is TaskEvent => m.kind === "event" && m.taskId === taskId).sort((a, b) => a.seq - b.seq);
  }

  /** Events and completions of every task: all but heartbeats. */
  taskMessages(): (TaskEvent | Completion)[] {
    return this.messages.filter((m): m is TaskEvent | Completion => m.kind !== "heartbeat");
  }

  heartbeats(): Heartbeat[] {
    return this.messages.filter((m): m is Heartbeat => m.kind === "heartbeat");
  }

  completions(taskId: string): Completion[] {
    return this.messages.filter((m): m is Completion => m.kind === "completion" && m.taskId === taskId);
  }

  /** Reads until `taskId` has a completion (or throws after `timeoutMs`). */
  async completion(taskId: string, timeoutMs = 60_000): Promise<Completion> {
    await this.until(() => this.completions(taskId).length > 0, timeoutMs, `a completion of ${taskId}`);
    return this.completions(taskId)[0]!;
  }

  /** Reads until `check` holds. */
  async until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await this.read();
      if (check()) return;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; got ${this.messages.map((m) => (m.kind === "heartbeat" ? m.kind : `${m.kind} ${m.taskId} ${m.state}`)).join(", ")}`);
      await sleep(50);
    }
  }
}
