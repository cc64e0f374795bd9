import type { DeliveryOutcome, DeliveryRecord, HookRecord } from "./forge-types.js";

// Sends webhooks one after another (so tests see them in the order the
// forge caused them), records each, and never retries: a non-2xx reply or
// no reply within the timeout is a failed delivery, as in Gitea.

export interface DeliveryRequest {
  hook: HookRecord;
  event: string;
  deliveryId: string;
  headers: Record<string, string>;
  /** The JSON text; signed as is. */
  body: string;
}

export class WebhookDeliverer {
  readonly deliveries: DeliveryRecord[] = [];
  dropping = false;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly timeoutMs: number) {}

  /** Queues a delivery; resolves with its record once it was attempted. */
  deliver(request: DeliveryRequest, redeliveryOf?: number): Promise<DeliveryRecord> {
    const record: DeliveryRecord = {
      index: this.deliveries.length,
      hookId: request.hook.id,
      url: request.hook.url,
      event: request.event,
      deliveryId: request.deliveryId,
      headers: { ...request.headers, "content-type": request.hook.contentType === "form" ? "application/x-www-form-urlencoded" : "application/json" },
      body: request.body,
      outcome: { ok: false, error: "not attempted yet" },
      ...(redeliveryOf === undefined ? {} : { redeliveryOf }),
    };
    this.deliveries.push(record);
    const form = request.hook.contentType === "form";
    const done = this.queue.then(async () => {
      record.outcome = this.dropping ? { ok: false, error: "dropped by the test (dropDeliveries)" } : await this.send(record, form);
      return record;
    });
    this.queue = done;
    return done;
  }

  /**
   * Sends a recorded delivery's body again as a new delivery. With
   * `newId` (Gitea's replay) the delivery headers get a fresh id;
   * without it (GitHub) the GUID stays.
   */
  redeliver(index: number, hook: HookRecord, newId: string | undefined): Promise<DeliveryRecord> {
    const old = this.deliveries[index];
    if (!old) throw new Error(`fake forge: no delivery ${index}`);
    const { "content-type": _type, ...headers } = old.headers;
    const deliveryId = newId ?? old.deliveryId;
    for (const [key, value] of Object.entries(headers)) if (value === old.deliveryId) headers[key] = deliveryId;
    return this.deliver({ hook, event: old.event, deliveryId, headers, body: old.body }, index);
  }

  async settled(): Promise<void> {
    let seen: Promise<unknown> | undefined;
    // Deliveries queued while we waited belong to the same burst.
    while (seen !== this.queue) {
      seen = this.queue;
      await seen;
    }
  }

  private async send(record: DeliveryRecord, form: boolean): Promise<DeliveryOutcome> {
    // A `form` hook posts payload=<JSON>; the signature stays over the JSON.
    const body = form ? `payload=${encodeURIComponent(record.body)}` : record.body;
    try {
      const reply = await fetch(record.url, { method: "POST", headers: record.headers, body, signal: AbortSignal.timeout(this.timeoutMs) });
      await reply.arrayBuffer();
      return reply.ok ? { ok: true, status: reply.status } : { ok: false, status: reply.status, error: `HTTP ${reply.status}` };
    } catch (error) {
      return { ok: false, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
    }
  }
}
