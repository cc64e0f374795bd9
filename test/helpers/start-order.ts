import type { TaskEvent } from "../../core/protocol/messages.js";
import type { ActionInbox } from "./runner-inbox.js";

/**
 * When the runner first reported the task in `state` ("building": released
 * from the runner's queue; "running": started), by the event's own time;
 * undefined if it has not. Event times, not the order messages arrive in:
 * two messages sealed in the same millisecond arrive in either order.
 */
export function firstAt(inbox: ActionInbox, taskId: string, state: TaskEvent["state"]): number | undefined {
  return inbox.events(taskId).find((e) => e.state === state)?.at;
}

/** Of `ids`, those the runner has reported in `state`. */
export function reportedIn(inbox: ActionInbox, ids: readonly string[], state: TaskEvent["state"]): string[] {
  return ids.filter((id) => firstAt(inbox, id, state) !== undefined);
}

/**
 * Whether the tasks entered `state` in the order given (the same
 * millisecond counts as in order), and the first pair that did not, for the
 * assertion's message.
 */
export function enteredInOrder(inbox: ActionInbox, ids: readonly string[], state: TaskEvent["state"]): { ok: boolean; why: string } {
  const times = ids.map((id) => firstAt(inbox, id, state));
  for (let i = 1; i < times.length; i++) {
    const [before, after] = [times[i - 1], times[i]];
    if (before === undefined || after === undefined || after < before) {
      return { ok: false, why: `task ${i + 1} (${ids[i]}) entered ${state} at ${after}, task ${i} (${ids[i - 1]}) at ${before}` };
    }
  }
  return { ok: true, why: "" };
}
