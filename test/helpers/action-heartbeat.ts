import { setTimeout as sleep } from "node:timers/promises";
import type { RunnerView } from "../../core/api/types.js";
import { deliver, inboxes, sealMessage } from "../../core/protocol/mailbox.js";
import type { GpuReport, Heartbeat, UserAccounting } from "../../core/protocol/messages.js";
import type { RelayStore } from "../../core/relay/relay-store.js";
import { ACTION_TEST_SECRET, type ActionHarness } from "./action-harness.js";

/** A heartbeat as a runner sends it; `offer` overrides the defaults (a local runner with nothing). */
export function heartbeat(runner: string, offer: Partial<Omit<Heartbeat, "kind" | "runner">> = {}): Heartbeat {
  return {
    kind: "heartbeat",
    runner,
    scheduler: "local",
    partitions: [],
    gpuTypes: [],
    totalGpus: 0,
    freeGpus: 0,
    gpus: [],
    accounting: [],
    at: Date.now(),
    ...offer,
  };
}

/** One user's accounting row; zero use and no limits unless `values` says otherwise. */
export function accounting(user: string, values: Partial<Omit<UserAccounting, "user">> = {}): UserAccounting {
  return {
    user,
    tasks: 0,
    succeeded: 0,
    failed: 0,
    gpuHours: 0,
    cpuHours: 0,
    gpuHoursInPeriod: 0,
    gpuHoursBudget: null,
    periodHours: 168,
    runningJobs: 0,
    maxRunningJobs: null,
    maxGpus: null,
    ...values,
  };
}

/** A GPU as nvidia-smi reports it on a box without Slurm. */
export function gpu(index: number, name: string, taskId: string | null = null): GpuReport {
  return { index, uuid: `GPU-${index}0000000-0000-0000-0000-000000000000`, name, memoryTotalMiB: 81559, memoryUsedMiB: 0, utilizationPercent: 0, taskId };
}

/** Writes a signed heartbeat into the action's inbox (messages/to-action/), exactly as a runner does. */
export async function sendHeartbeat(relay: RelayStore, body: Heartbeat, secret = ACTION_TEST_SECRET): Promise<void> {
  await deliver(relay, sealMessage(inboxes.action(), body, secret, body.at));
}

/** Polls GET /api/runners until it lists exactly `names` (the action has applied their heartbeats). */
export async function waitForRunners(h: Pick<ActionHarness, "api" | "tokens">, names: readonly string[]): Promise<RunnerView[]> {
  let last: unknown;
  for (const deadline = Date.now() + 15_000; Date.now() < deadline; ) {
    const { body } = await h.api(h.tokens.root, "/api/runners");
    last = body;
    const runners = (body as { runners?: RunnerView[] }).runners ?? [];
    if (runners.map((r) => r.name).join(",") === [...names].sort().join(",")) return runners;
    await sleep(25);
  }
  throw new Error(`the runners never became ${names.join(", ")}; last seen ${JSON.stringify(last)}`);
}
