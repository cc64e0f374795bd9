import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";

/** One webhook delivery as a forge sends it: its headers (signature and id included) and the exact body. */
export interface Delivery {
  headers: Record<string, string>;
  body: string;
}

/** What one POST got: its HTTP status (0 when no answer came) and the time from sending to the answer's headers. */
export interface Ack {
  status: number;
  ms: number;
  /** When it was sent, in ms since the round began. */
  sentAt: number;
}

/** Gitea's DELIVER_TIMEOUT: a receiver slower than this counts as a failed delivery. */
const FORGE_TIMEOUT_MS = 5000;

/**
 * POSTs every delivery to `url`, at most `concurrency` at a time (a forge's
 * delivery queue works several hooks at once), and times each one from the
 * request to the answer. With `spreadMs`, delivery i is not sent before
 * i/n of that time has passed (pushes arriving over a while, not at once).
 * Returns the acks in the order of `deliveries` and the wall time of the
 * whole round.
 */
export async function sendDeliveries(url: string, deliveries: readonly Delivery[], concurrency: number, spreadMs = 0): Promise<{ acks: Ack[]; totalMs: number }> {
  const acks: Ack[] = new Array<Ack>(deliveries.length);
  let next = 0;
  const begin = performance.now();
  const worker = async () => {
    for (let i = next++; i < deliveries.length; i = next++) {
      const { headers, body } = deliveries[i]!;
      const due = begin + (spreadMs * i) / deliveries.length - performance.now();
      if (due > 0) await sleep(due);
      const start = performance.now();
      try {
        const reply = await fetch(url, { method: "POST", headers, body, signal: AbortSignal.timeout(FORGE_TIMEOUT_MS) });
        acks[i] = { status: reply.status, ms: performance.now() - start, sentAt: start - begin };
        await reply.arrayBuffer();
      } catch {
        acks[i] = { status: 0, ms: performance.now() - start, sentAt: start - begin };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, deliveries.length) }, worker));
  return { acks, totalMs: performance.now() - begin };
}

/**
 * The same deliveries as a forge's "redeliver" sends them: the same signed
 * body under a new delivery id (Gitea's replay gets a new id in each of its
 * X-*-Delivery headers).
 */
export function withNewIds(deliveries: readonly Delivery[], newId: () => string): Delivery[] {
  return deliveries.map(({ headers, body }) => {
    const id = newId();
    const renamed = Object.entries(headers).map(([key, value]) => [key, /-delivery$/i.test(key) ? id : value]);
    return { headers: Object.fromEntries(renamed) as Record<string, string>, body };
  });
}
