import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import type { IngestState } from "./read-ingest-state.js";

const POLL_MS = 50;

/** The state once every delivery was handled, and when (since `since`) the task count first reached `tasks`. */
export interface Ingested {
  state: IngestState;
  /** undefined when the count never got there: tasks were lost. */
  allTasksMs: number | undefined;
  settledMs: number;
  /** False when `timeoutMs` passed first; `state` is what was there then. */
  settled: boolean;
}

/**
 * Polls until `deliveries` deliveries are written and the action has
 * handled all of them and turned every push it recorded into a task — the
 * point after which nothing more can appear. Whether the task count is
 * right is the caller's question: a lost push settles too, one task short.
 */
export async function waitForIngest(read: () => IngestState, expect: { deliveries: number; tasks: number }, since: number, timeoutMs: number): Promise<Ingested> {
  let allTasksMs: number | undefined;
  for (;;) {
    const state = read();
    const elapsed = performance.now() - since;
    if (allTasksMs === undefined && state.tasks.length >= expect.tasks) allTasksMs = elapsed;
    const settled = state.deliveries >= expect.deliveries && state.unhandledDeliveries === 0 && state.pendingPushes === 0;
    if (settled || elapsed > timeoutMs) return { state, allTasksMs, settledMs: elapsed, settled };
    await sleep(POLL_MS);
  }
}

/**
 * Polls until the action has nothing left to do for the forge: every
 * delivery handled, every push a task, every status posted. Returns the
 * time since `since`, or undefined after `timeoutMs`.
 */
export async function waitForQuiet(read: () => IngestState, since: number, timeoutMs: number): Promise<number | undefined> {
  for (;;) {
    const state = read();
    const elapsed = performance.now() - since;
    if (state.unhandledDeliveries === 0 && state.pendingPushes === 0 && state.unsentForgeUpdates === 0) return elapsed;
    if (elapsed > timeoutMs) return undefined;
    await sleep(POLL_MS);
  }
}
