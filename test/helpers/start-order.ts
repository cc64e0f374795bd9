import type { TaskEvent } from "../../core/protocol/messages.js";
import type { ActionInbox } from "./runner-inbox.js";

/**
 * The task ids in the order the runner reported them first entering `state`
 * ("building": released from the runner's queue; "running": started), as
 * the action receives the events (the runner's outbox order). With `after`
 * (an event of the same inbox), only tasks that entered it after that event;
 * later progress events ("running 0:00:03") of a task do not count again.
 */
export function orderOf(inbox: ActionInbox, state: TaskEvent["state"], after?: TaskEvent): string[] {
  const events = inbox.messages.filter((m): m is TaskEvent => m.kind === "event");
  const first = new Map<string, number>();
  events.forEach((e, i) => {
    if (e.state === state && !first.has(e.taskId)) first.set(e.taskId, i);
  });
  const from = after === undefined ? -1 : events.indexOf(after);
  return [...first].filter(([, i]) => i > from).map(([id]) => id);
}
