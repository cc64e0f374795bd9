import type { PythonAsk } from "../python/check-python-available.js";
import type { Task } from "../task/task.js";
import { describeNoFit, unfitCriterion, type RunnerOffer } from "./runner-fit.js";

/** Where a task goes: a runner's name, or the status line saying why none can run it. */
export type RunnerChoice = { ok: true; runner: string } | { ok: false; description: string };

export interface ChooseOptions<R extends RunnerOffer> {
  /** Whether a runner was heard from lately; stale runners are passed over while others are fresh. */
  isFresh(runner: R): boolean;
  /** The configured runner, used while no runner has ever sent a heartbeat. */
  defaultRunner: string;
  /** The Python the project asks for (requires-python, .python-version); a runner must have one that fits. */
  python?: PythonAsk;
}

/**
 * Picks the runner for a task from the runners' latest heartbeats.
 *
 * - No heartbeat ever: the configured runner (the embedded default starts
 *   before its first heartbeat arrives); a task naming another cluster is
 *   an error.
 * - `cluster` set: that runner, whatever its age, if it can run the task.
 * - Otherwise the fresh runners (`isFresh`), or, when none is, all of
 *   them (the message waits in the relay until a runner returns).
 *
 * A runner can run a task when it has at least the GPUs asked for, offers
 * the `gpu_type` (case-insensitive) and the `partition` (local runners
 * offer none), and has a Python the project's requires-python and
 * .python-version allow. Of those that can, the one with the most free GPUs wins,
 * then the first by name. Pure: the caller reads the runners and the clock.
 */
export function chooseRunner<R extends RunnerOffer>(task: Pick<Task, "cluster" | "resources">, runners: readonly R[], options: ChooseOptions<R>): RunnerChoice {
  const names = runners.length > 0 ? runners.map((r) => r.name) : [options.defaultRunner];
  if (task.cluster !== undefined && !names.includes(task.cluster)) {
    return { ok: false, description: `error: no runner named ${JSON.stringify(task.cluster)}: runners are ${names.join(", ")}` };
  }
  if (runners.length === 0) return { ok: true, runner: options.defaultRunner };

  let pool: readonly R[];
  if (task.cluster !== undefined) pool = runners.filter((r) => r.name === task.cluster);
  else {
    const fresh = runners.filter((r) => options.isFresh(r));
    pool = fresh.length > 0 ? fresh : runners;
  }
  const fit = pool.filter((r) => unfitCriterion(task.resources, r, options.python) === undefined);
  if (fit.length === 0) return { ok: false, description: describeNoFit(task, pool, options.python) };
  const [best] = [...fit].sort((a, b) => b.freeGpus - a.freeGpus || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { ok: true, runner: best!.name };
}
