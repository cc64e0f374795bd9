import type { FinalState, RunCard } from "../core/protocol/messages.js";
import type { SweepRun } from "./sweep-runs.js";
import type { TaskRow } from "./task-rows.js";

/**
 * run.json: what ran (commit, environment), where (scheduler, job id, node:
 * for Slurm the one it reported), when, how it ended, the GPU hours it used
 * (GPUs × hours run), which the accounting adds up, and for a sweep each
 * run with its parameters and exit code.
 */
export function buildRunCard(task: TaskRow, outcome: { state: FinalState; description: string }, scheduler: string, node: string | null, runs: readonly SweepRun[] = []): RunCard {
  const { submit } = task;
  const ran = task.startedAt !== null;
  const hours = ran && task.endedAt !== null ? Math.max(0, task.endedAt - task.startedAt!) / 3_600_000 : 0;
  const gpus = submit.task.resources.gpus;
  return {
    taskId: task.id,
    user: submit.user,
    repo: submit.repo,
    branch: submit.branch,
    commit: submit.commit,
    envHash: submit.env,
    scheduler,
    jobId: task.handle?.jobId ?? null,
    node: ran ? node : null,
    gpus,
    gpuIds: task.gpuIds,
    submittedAt: iso(submit.submittedAt),
    startedAt: iso(task.startedAt),
    endedAt: iso(task.endedAt),
    exitCode: task.exitCode,
    state: outcome.state,
    description: outcome.description,
    gpuHours: gpus * hours,
    ...(runs.length > 0 ? { runs: runs.map((r) => ({ index: r.index, parameters: r.parameters, exitCode: r.exitCode ?? null })) } : {}),
  };
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}
