import { describePythonAsk, pythonFits, type PythonAsk } from "../python/check-python-available.js";
import type { Task } from "../task/task.js";

/**
 * What a runner offers, as its latest heartbeat said: the action's record
 * of a runner and the API's view of it both have these members, so the
 * action (at push) and `ailab validate` (from `ailab runners`) judge a task
 * by the same rules.
 */
export interface RunnerOffer {
  name: string;
  partitions: readonly string[];
  gpuTypes: readonly string[];
  totalGpus: number;
  freeGpus: number;
  pythons?: readonly string[];
}

type Offer = RunnerOffer;
type Resources = Task["resources"];

/** One thing a task may ask for, and how a runner's offer is checked and shown. */
interface Criterion {
  /** How the task's ask reads in a status line, e.g. `gpu_type "h100"`. */
  asked: string;
  fits(runner: Offer): boolean;
  /** What the runner offers instead, e.g. "a100/v100" or "none". */
  offered(runner: Offer): string;
}

/**
 * Whether an advertised GPU type satisfies a task's `gpu_type`: the same
 * word, case-insensitive. An advertised full name such as "NVIDIA H100 80GB
 * HBM3" matches "h100" by one of its words, as the runner's own match does.
 */
export function offersGpuType(gpuTypes: readonly string[], wanted: string): boolean {
  const want = wanted.toLowerCase();
  return gpuTypes.some((type) => type.toLowerCase() === want || type.toLowerCase().split(/[\s_-]+/).includes(want));
}

/**
 * The scheduler's own name for the GPU type a task asked for: Slurm compares
 * gres types exactly (`--gres=gpu:A100:1` is refused on a cluster that
 * knows `a100`), while routing matched them case-insensitively, so the job
 * asks for the spelling the cluster advertised. A type none offered stays
 * as the task wrote it (the scheduler then says what it has).
 */
export function schedulerGpuType(offered: readonly string[], wanted: string): string {
  return offered.find((type) => type === wanted) ?? offered.find((type) => type.toLowerCase() === wanted.toLowerCase()) ?? wanted;
}

/**
 * The criteria a task's resources (and its project's Python, see
 * checkPythonAvailable) set, in the order a status line names them. A
 * runner that does not say which Pythons it has (older, or uv missing) is
 * not refused for it.
 */
function criteriaOf(resources: Resources, python?: PythonAsk): Criterion[] {
  const out: Criterion[] = [];
  const { gpuType, partition, gpus } = resources;
  if (gpuType !== undefined) {
    out.push({ asked: `gpu_type ${JSON.stringify(gpuType)}`, fits: (r) => offersGpuType(r.gpuTypes, gpuType), offered: (r) => listOf(shortTypes(r.gpuTypes)) });
  }
  if (partition !== undefined) {
    // Local runners advertise no partitions, so a task naming one never goes there.
    out.push({ asked: `partition ${JSON.stringify(partition)}`, fits: (r) => r.partitions.includes(partition), offered: (r) => listOf(r.partitions) });
  }
  if (gpus > 0) out.push({ asked: gpuCount(gpus), fits: (r) => gpus <= r.totalGpus, offered: (r) => gpuCount(r.totalGpus) });
  // Last: most projects ask for a Python every runner has, and a status line names it only when it is what is missing.
  if (python && (python.requiresPython !== undefined || python.pythonVersionFile !== undefined)) {
    out.push({
      asked: `Python for ${describePythonAsk(python)}`,
      fits: (r) => !r.pythons || r.pythons.length === 0 || r.pythons.some((v) => pythonFits(python, v)),
      offered: (r) => listOf(r.pythons ?? []),
    });
  }
  return out;
}

/** The first thing `runner` lacks for `resources`, as the task asked it; undefined when it can run the task. */
export function unfitCriterion(resources: Resources, runner: Offer, python?: PythonAsk): string | undefined {
  return criteriaOf(resources, python).find((c) => !c.fits(runner))?.asked;
}

/**
 * The status line of a task that none of `pool` can run: the first ask that
 * no runner meets (given the asks before it), and what those runners offer
 * instead, e.g. `error: no runner offers gpu_type "h100": runners offer
 * a100 (cluster-a), none (gpu-box)`.
 */
export function describeNoFit(task: Pick<Task, "cluster" | "resources">, pool: readonly Offer[], python?: PythonAsk): string {
  let remaining = pool;
  const met: string[] = [];
  for (const criterion of criteriaOf(task.resources, python)) {
    const fitting = remaining.filter((r) => criterion.fits(r));
    if (fitting.length === 0) {
      const ask = [criterion.asked, ...met].join(" with ");
      if (task.cluster !== undefined) {
        const offered = remaining.map((r) => criterion.offered(r)).join(", ") || "nothing";
        return `error: cluster ${JSON.stringify(task.cluster)} does not offer ${ask}: it offers ${offered}`;
      }
      return `error: no runner offers ${ask}: runners offer ${remaining.map((r) => `${criterion.offered(r)} (${r.name})`).join(", ")}`;
    }
    remaining = fitting;
    met.push(criterion.asked);
  }
  return "error: no runner can run this task";
}

/** A GPU box advertises full names and short types ("NVIDIA H100 80GB HBM3", "h100"); a status line shows the short ones. */
function shortTypes(types: readonly string[]): readonly string[] {
  const short = types.filter((t) => !/\s/.test(t));
  return short.length > 0 ? short : types;
}

function listOf(values: readonly string[]): string {
  return values.length > 0 ? values.join("/") : "none";
}

function gpuCount(n: number): string {
  return `${n} GPU${n === 1 ? "" : "s"}`;
}
