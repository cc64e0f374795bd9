import type { Heartbeat } from "../core/protocol/messages.js";
import { deliver, inboxes, sealMessage } from "../core/protocol/mailbox.js";
import { localOffer, slurmOffer } from "./gpu-offer.js";
import type { RunnerContext } from "./runner-context.js";
import { tasksIn } from "./task-rows.js";
import { userAccounting } from "./user-accounting.js";

/**
 * Tells the action who this runner is and what it offers (scheduler,
 * partitions, GPU types, GPUs in all and free; a GPU box's GPUs one by one;
 * the Python versions it has; whether its jobs run in a sandbox),
 * so that the action sends each task to a runner that can run it, and what
 * its users have used against their limits, for `ailab whoami`. Sent straight
 * to the relay, not through the outbox: a heartbeat that cannot be sent is
 * replaced by the next one.
 */
export async function sendHeartbeat(ctx: RunnerContext): Promise<void> {
  const now = ctx.clock.now();
  const offer =
    ctx.scheduler.kind === "slurm"
      ? await slurmOffer(ctx.partitions?.names, ctx.run, ctx.config.baseEnv, ctx.log)
      : await localOffer(ctx.gpus, gpuHolders(ctx), ctx.run, ctx.config.baseEnv, ctx.log);
  ctx.offeredGpuTypes = offer.gpuTypes;
  const heartbeat: Heartbeat = {
    kind: "heartbeat",
    runner: ctx.config.name,
    scheduler: ctx.scheduler.kind,
    ...offer,
    accounting: userAccounting(ctx.db, now, ctx.config.fairShare),
    pythons: ctx.pythons,
    sandbox: ctx.sandbox,
    at: now,
  };
  await deliver(ctx.relay, sealMessage(inboxes.action(), heartbeat, ctx.config.secret, now));
}

/** GPU id → the task the local executor handed it to. */
function gpuHolders(ctx: RunnerContext): Map<string, string> {
  const holders = new Map<string, string>();
  for (const task of tasksIn(ctx.db, "building", "running")) for (const id of task.gpuIds) holders.set(id, task.id);
  return holders;
}
