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
