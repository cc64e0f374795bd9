import { drainInbox, inboxes, InboxMemory } from "../../core/protocol/mailbox.js";
import { ToAction } from "../../core/protocol/messages.js";
import type { ActionContext } from "../action-context.js";
import { applyToAction } from "./apply-to-action.js";

/**
 * Applies everything the runners sent (one LIST of the action's inbox).
 * Returns how many task messages (events, completions) arrived: heartbeats
 * come all the time and do not count as work, so they do not keep the relay
 * loop polling fast. `memory` holds, from one call to the next, the
 * messages of a newer protocol left in the inbox and the failed applies
 * (see drainInbox).
 */
export async function readActionInbox(ctx: ActionContext, memory: InboxMemory = new InboxMemory()): Promise<number> {
  let taskMessages = 0;
  await drainInbox(
    ctx.store,
    inboxes.action(),
    ctx.config.secret,
    ToAction,
    (message) => {
      applyToAction(ctx, message);
      if (message.body.kind !== "heartbeat") taskMessages++;
    },
    ctx.log,
    memory,
  );
  return taskMessages;
}
