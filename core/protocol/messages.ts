import { z } from "zod";
import { SHA256_PATTERN } from "../hash.js";
import { TASK_ID_PATTERN } from "../ids.js";
import { Task } from "../task/task.js";

/**
 * The relay protocol: what the action and the runner say to each other.
 * Every message is wrapped in a signed envelope (see `envelope.ts`).
 * The schemas are `z.object`, not strict: the two agents upgrade at
 * different times, so a field a newer sender adds is dropped here, not a
 * reason to refuse the message. (task.toml is strict; the wire is not.)
 */
const Sha256 = z.string().regex(SHA256_PATTERN);
const TaskId = z.string().regex(TASK_ID_PATTERN);

/** One file of a project snapshot. `link` entries carry their target. */
export const TreeEntry = z.object({
  path: z.string(),
  object: Sha256,
  mode: z.enum(["file", "exec"]),
  size: z.number().int().min(0),
});
export type TreeEntry = z.infer<typeof TreeEntry>;

/** `trees/<tree hash>.json`: a project snapshot, content-addressed. */
export const TreeManifest = z.object({ entries: z.array(TreeEntry) });
export type TreeManifest = z.infer<typeof TreeManifest>;

/** `envs/<env hash>.json`: the files that define the Python environment. */
export const EnvManifest = z.object({
  pyproject: Sha256,
  lockfile: Sha256,
  pythonVersion: Sha256.optional(),
  wheels: z.array(z.object({ name: z.string(), object: Sha256 })),
});
export type EnvManifest = z.infer<typeof EnvManifest>;

export const Submit = z.object({
  kind: z.literal("submit"),
  taskId: TaskId,
  /** The student who pushed; goes to Slurm's --comment and the accounting. */
  user: z.string(),
  repo: z.string(),
  branch: z.string(),
  commit: z.string().regex(/^[0-9a-f]{40}$/),
  task: Task,
  tree: Sha256,
  env: Sha256,
  submittedAt: z.number(),
});
export type Submit = z.infer<typeof Submit>;

export const Cancel = z.object({
  kind: z.literal("cancel"),
  taskId: TaskId,
  reason: z.string(),
});
export type Cancel = z.infer<typeof Cancel>;

/** States a task passes through before it ends. */
export const ActiveState = z.enum(["queued", "building", "running"]);
export type ActiveState = z.infer<typeof ActiveState>;

/** How a task ended. `cancelled` shows on the forge as failure. */
export const FinalState = z.enum(["success", "failure", "error", "cancelled"]);
export type FinalState = z.infer<typeof FinalState>;

export const TaskEvent = z.object({
  kind: z.literal("event"),
  taskId: TaskId,
  /** Increases with every event of a task; the receiver ignores older ones. */
  seq: z.number().int().min(0),
  state: ActiveState,
  description: z.string(),
  at: z.number(),
});
export type TaskEvent = z.infer<typeof TaskEvent>;

/** A file the runner left in `results/<task id>/`. */
export const Artifact = z.object({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/),
  key: z.string(),
  size: z.number().int().min(0),
  sha256: Sha256,
});
export type Artifact = z.infer<typeof Artifact>;

/** run.json: what ran, where, and how it ended. */
export const RunCard = z.object({
  taskId: TaskId,
  user: z.string(),
  repo: z.string(),
  branch: z.string(),
  commit: z.string(),
  envHash: Sha256,
  scheduler: z.string(),
  jobId: z.string().nullable(),
  node: z.string().nullable(),
  gpus: z.number().int().min(0),
  gpuIds: z.array(z.string()),
  submittedAt: z.string().nullable(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  exitCode: z.number().int().nullable(),
  state: FinalState,
  description: z.string(),
  gpuHours: z.number().min(0),
  /** A sweep's runs (job-array elements), each with its parameters and the exit code it recorded. */
  runs: z
    .array(
      z.object({
        index: z.number().int().min(0),
        parameters: z.record(z.string(), z.union([z.string(), z.number()])),
        exitCode: z.number().int().nullable(),
      }),
    )
    .optional(),
});
export type RunCard = z.infer<typeof RunCard>;

export const Completion = z.object({
  kind: z.literal("completion"),
  taskId: TaskId,
  state: FinalState,
  /** The status line, at most ~140 characters: `exit code 1: ZeroDivisionError: division by zero`. */
  description: z.string(),
  /** A failed job's last lines of output (control characters removed, lengths capped), for `ailab status`. */
  output: z.string().optional(),
  exitCode: z.number().int().nullable(),
  durationSeconds: z.number().min(0),
  artifacts: z.array(Artifact),
  runCard: RunCard,
  at: z.number(),
});
export type Completion = z.infer<typeof Completion>;

/** One user's use of the cluster account, as the runner counts it. */
export const UserAccounting = z.object({
  user: z.string(),
  tasks: z.number().int().min(0),
  succeeded: z.number().int().min(0),
  failed: z.number().int().min(0),
  gpuHours: z.number().min(0),
  cpuHours: z.number().min(0),
  /** GPU-hours inside the budget's period, and the budget (null = none). */
  gpuHoursInPeriod: z.number().min(0),
  gpuHoursBudget: z.number().min(0).nullable(),
  periodHours: z.number().min(0),
  runningJobs: z.number().int().min(0),
  maxRunningJobs: z.number().int().min(0).nullable(),
  maxGpus: z.number().int().min(0).nullable(),
});
export type UserAccounting = z.infer<typeof UserAccounting>;

/** A GPU of a runner without Slurm, as nvidia-smi reports it. */
export const GpuReport = z.object({
  index: z.number().int().min(0),
  uuid: z.string(),
  name: z.string(),
  memoryTotalMiB: z.number().nullable(),
  memoryUsedMiB: z.number().nullable(),
  utilizationPercent: z.number().nullable(),
  /** The task holding it, if any. */
  taskId: z.string().nullable(),
});
export type GpuReport = z.infer<typeof GpuReport>;

/**
 * Sent by every runner every little while: who it is and what it offers, so
 * the action sends a task to a runner that can run it (and says so when none
 * can), plus the accounting that `ailab whoami` shows.
 */
export const Heartbeat = z.object({
  kind: z.literal("heartbeat"),
  runner: z.string(),
  scheduler: z.enum(["local", "slurm"]),
  partitions: z.array(z.string()),
  gpuTypes: z.array(z.string()),
  totalGpus: z.number().int().min(0),
  freeGpus: z.number().int().min(0),
  gpus: z.array(GpuReport),
  accounting: z.array(UserAccounting),
  /** The Python versions this runner builds environments with (`3.11.7`, newest first); absent from older runners. */
  pythons: z.array(z.string()).optional(),
  /** How the runner keeps jobs apart: `bwrap`, or `none` (jobs unconfined: the admin opted out); absent from older runners. */
  sandbox: z.enum(["bwrap", "none"]).optional(),
  at: z.number(),
});
export type Heartbeat = z.infer<typeof Heartbeat>;

export const ToRunner = z.discriminatedUnion("kind", [Submit, Cancel]);
export type ToRunner = z.infer<typeof ToRunner>;

export const ToAction = z.discriminatedUnion("kind", [TaskEvent, Completion, Heartbeat]);
export type ToAction = z.infer<typeof ToAction>;
