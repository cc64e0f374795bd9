import type { RunnerView } from "../../core/api/types.js";
import type { RunnerRecord } from "../runners/runner-store.js";

/**
 * The runners as `GET /api/runners` shows them. Which task holds a GPU is
 * for admins (it names other students' work); everyone sees busy or free.
 */
export function toRunnerViews(runners: readonly RunnerRecord[], options: { admin: boolean; now: number; staleMs: number }): RunnerView[] {
  return runners.map((runner) => ({
    name: runner.name,
    scheduler: runner.scheduler,
    partitions: runner.partitions,
    gpuTypes: runner.gpuTypes,
    totalGpus: runner.totalGpus,
    freeGpus: runner.freeGpus,
    gpus: runner.gpus.map(({ taskId, ...gpu }) => ({ ...gpu, busy: taskId !== null, ...(options.admin ? { taskId } : {}) })),
    ...(runner.pythons ? { pythons: runner.pythons } : {}),
    ...(runner.sandbox ? { sandbox: runner.sandbox } : {}),
    lastSeen: new Date(runner.lastSeen).toISOString(),
    stale: options.now - runner.lastSeen > options.staleMs,
  }));
}
