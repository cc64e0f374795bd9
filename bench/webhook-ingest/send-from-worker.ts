import { once } from "node:events";
import { Worker } from "node:worker_threads";
import type { Ack, Delivery } from "./send-deliveries.js";

export interface SentRound {
  acks: Ack[];
  totalMs: number;
  /** The sender's own longest event-loop stall: time in the acks that is not the server's. */
  stallMs: number;
}

/**
 * sendDeliveries on a worker thread. The fake Gitea shares the bench's main
 * thread and is busy while the action posts its statuses (each request is
 * checked against Gitea's OpenAPI description); timed from here, its work
 * would count as the action's ack time.
 */
export async function sendFromWorker(url: string, deliveries: readonly Delivery[], concurrency: number, spreadMs: number): Promise<SentRound> {
  const worker = new Worker(new URL("./send-worker.js", import.meta.url), { workerData: { url, deliveries, concurrency, spreadMs } });
  // once() rejects if the worker emits "error" first.
  const [sent] = (await once(worker, "message")) as [SentRound];
  await worker.terminate();
  return sent;
}

/**
 * Rounds sent one after another (waves, with pushes between them) as one:
 * `sentAt` counts time on the wire only, each wave starting where the last
 * one's answers ended; the pushes between them are left out.
 */
export function joinRounds(rounds: readonly SentRound[]): SentRound {
  let offset = 0;
  const acks: Ack[] = [];
  for (const round of rounds) {
    acks.push(...round.acks.map((a) => ({ ...a, sentAt: a.sentAt + offset })));
    offset += round.totalMs;
  }
  return { acks, totalMs: offset, stallMs: Math.max(0, ...rounds.map((r) => r.stallMs)) };
}
