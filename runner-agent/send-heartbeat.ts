import type { GpuReport, Heartbeat } from "../core/protocol/messages.js";
import { deliver, inboxes, sealMessage } from "../core/protocol/mailbox.js";
import { queryNvidiaSmi } from "./gpu-inventory.js";
import type { RunnerContext } from "./runner-context.js";
import { tasksIn } from "./task-rows.js";
import { userAccounting } from "./user-accounting.js";

/**
 * Tells the action what this runner offers (its GPUs, which of them are
 * free) and what its users have used, so that the action sends each task to
 * a runner that can run it. Sent straight to the relay, not through the
 * outbox: a heartbeat that cannot be sent is replaced by the next one.
 */
export async function sendHeartbeat(ctx: RunnerContext): Promise<void> {
  const now = ctx.clock.now();
  const holders = new Map<string, string>();
  for (const task of tasksIn(ctx.db, "building", "running")) for (const id of task.gpuIds) holders.set(id, task.id);
  const live = ctx.gpus.length > 0 ? await queryNvidiaSmi(ctx.run, ctx.config.baseEnv, ctx.log) : [];
  const gpus: GpuReport[] = [];
  for (const gpu of ctx.gpus) {
    const info = live.find((g) => g.uuid === gpu.info?.uuid) ?? gpu.info;
    gpus.push({
      index: info?.index ?? (/^\d+$/.test(gpu.id) ? Number(gpu.id) : 0),
      uuid: info?.uuid ?? gpu.id,
      name: gpu.name,
      memoryTotalMiB: info?.memoryTotalMiB ?? null,
      memoryUsedMiB: info?.memoryUsedMiB ?? null,
      utilizationPercent: info?.utilizationPercent ?? null,
      taskId: holders.get(gpu.id) ?? null,
    });
  }
  const heartbeat: Heartbeat = {
    kind: "heartbeat",
    runner: ctx.config.name,
    scheduler: ctx.scheduler.kind,
    partitions: [],
    gpuTypes: [...new Set(ctx.gpus.map((g) => g.name).filter((n) => n !== ""))].sort(),
    totalGpus: ctx.gpus.length,
    freeGpus: ctx.gpus.filter((g) => !holders.has(g.id)).length,
    gpus,
    accounting: userAccounting(ctx.db, now),
    at: now,
  };
  await deliver(ctx.relay, sealMessage(inboxes.action(), heartbeat, ctx.config.secret, now));
}
