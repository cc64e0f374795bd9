import { InboxMemory } from "../../core/protocol/mailbox.js";
import { nowIso, type ActionContext } from "../action-context.js";
import { syncForge } from "../forge/sync-forge.js";
import { handleDeliveries } from "../forge/webhook/handle-deliveries.js";
import { reconcileRepositories, submitPendingPushes } from "../push/handle-ref-changes.js";
import { deliverOutbox } from "../relay/outbox.js";
import { countUnfinished } from "../tasks/task-store.js";
import { countUnsentUpdates } from "../forge/forge-outbox.js";
import { countPendingDeliveries } from "../forge/webhook/delivery-store.js";
import { readActionInbox } from "./read-action-inbox.js";

export interface RelayLoop {
  /** Runs the next cycle now instead of after the current pause. */
  wake(): void;
  /** Finishes the cycle under way and stops. */
  stop(): Promise<void>;
}

/**
 * The action's side of the relay, one cycle at a time: send the outbox,
 * apply the runners' messages (one LIST; heartbeats first, so pushes go
 * where runners are now), turn webhook deliveries into pushes, retry pushes
 * not yet submitted, bring the forge up to date; with a forge, every
 * `reconcileMs` also compare each watched repository with the forge (a
 * delivery the forge dropped is found). Adaptive: every `pollMinMs` while tasks are in flight or
 * something happened, doubling to `pollMaxMs` when idle.
 */
export function startRelayLoop(ctx: ActionContext, inbox: InboxMemory = new InboxMemory()): RelayLoop {
  const { pollMinMs, pollMaxMs } = ctx.config;
  let stopped = false;
  let woken = false;
  let pause: AbortController | undefined;
  let delay = pollMinMs;
  // The start-up reconcile has just run (startAction).
  let nextReconcile = ctx.clock.now() + ctx.config.reconcileMs;

  const cycle = async (): Promise<boolean> => {
    let busy = (await deliverOutbox(ctx.db, ctx.store, ctx.log, () => nowIso(ctx))) > 0;
    const applied = await readActionInbox(ctx, inbox);
    busy = (await handleDeliveries(ctx)) > 0 || busy;
    if (ctx.remote && ctx.clock.now() >= nextReconcile) {
      nextReconcile = ctx.clock.now() + ctx.config.reconcileMs;
      await reconcileRepositories(ctx);
    }
    await submitPendingPushes(ctx);
    busy = (await deliverOutbox(ctx.db, ctx.store, ctx.log, () => nowIso(ctx))) > 0 || busy;
    busy = (await syncForge(ctx)) > 0 || applied > 0 || busy;
    return busy || countUnfinished(ctx.db) > 0 || countUnsentUpdates(ctx.db) > 0 || countPendingDeliveries(ctx.db) > 0;
  };

  const run = async () => {
    while (!stopped) {
      woken = false;
      try {
        delay = (await cycle()) ? pollMinMs : Math.min(pollMaxMs, delay * 2);
      } catch (e) {
        ctx.log.warn("relay cycle failed; will retry", { error: e });
        delay = Math.min(pollMaxMs, delay * 2);
      }
      if (stopped || woken) continue;
      pause = new AbortController();
      await ctx.clock.sleep(delay, pause.signal);
    }
  };
  const done = run();

  return {
    wake() {
      woken = true;
      pause?.abort();
    },
    async stop() {
      stopped = true;
      pause?.abort();
      await done;
    },
  };
}
