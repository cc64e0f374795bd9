import { z } from "zod";

/**
 * The action's HTTP API as the CLI sees it. Every request carries
 * `Authorization: Bearer <token>`; a missing or bad token is 401; a task the
 * caller may not see is 404 (its existence is not revealed). Errors are
 * `{ "error": { "code": "...", "message": "..." } }`.
 *
 *   GET  /api/whoami                         → WhoAmI
 *   GET  /api/tasks?repo=&branch=&commit=    → { tasks: TaskView[] } newest first
 *   GET  /api/tasks/:id                      → TaskView
 *   GET  /api/tasks/:id/logs?offset=N        → text/plain from byte N;
 *                                              header X-Ailab-Log-Offset: next N,
 *                                              header X-Ailab-Task-State: state
 *   POST /api/tasks/:id/cancel               → 202 TaskView (409 if already ended)
 *   GET  /api/tasks/:id/artifacts            → { artifacts: ArtifactView[] }
 *   GET  /api/tasks/:id/artifacts/:name      → the bytes
 *   GET  /api/runners                        → { runners: RunnerView[] } by name
 *
 * Git over smart HTTP: /git/<owner>/<repo>.git, Basic auth with the token as
 * the password (any user name).
 */
export const TaskState = z.enum(["submitted", "queued", "building", "running", "success", "failure", "error", "cancelled"]);
export type TaskState = z.infer<typeof TaskState>;

/** Commit-status state as a forge shows it. */
export const ForgeState = z.enum(["pending", "success", "failure", "error"]);
export type ForgeState = z.infer<typeof ForgeState>;

export const ArtifactView = z.object({ name: z.string(), size: z.number(), sha256: z.string() });
export type ArtifactView = z.infer<typeof ArtifactView>;

export const TaskView = z.object({
  id: z.string(),
  user: z.string(),
  repo: z.string(),
  branch: z.string(),
  commit: z.string(),
  name: z.string(),
  state: TaskState,
  forgeState: ForgeState,
  /** The status line: "running 0:12:31 · Epoch 5/100", "error: resources.gpus: …". */
  description: z.string(),
  context: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  targetUrl: z.string(),
  exitCode: z.number().nullable(),
  /** A failed job's last lines of output, as its runner read them (control characters removed). */
  output: z.string().optional(),
  artifacts: z.array(ArtifactView),
  /** The runner the task was sent to (absent for tasks never sent). */
  runner: z.string().optional(),
});
export type TaskView = z.infer<typeof TaskView>;

/**
 * A user's use of the cluster accounts, as the runners count it. Limits and
 * the budget are null where there is none. Summed over runners, a limit is
 * null as soon as one runner has none.
 */
export const AccountingView = z.object({
  tasks: z.number(),
  succeeded: z.number(),
  failed: z.number(),
  gpuHours: z.number(),
  cpuHours: z.number(),
  /** GPU-hours used in the budget's period (the last `periodHours` hours). */
  gpuHoursInPeriod: z.number(),
  gpuHoursBudget: z.number().nullable(),
  periodHours: z.number(),
  runningJobs: z.number(),
  maxRunningJobs: z.number().nullable(),
  maxGpus: z.number().nullable(),
});
export type AccountingView = z.infer<typeof AccountingView>;

/** One runner's count, with when that runner last reported it. */
export const RunnerAccountingView = AccountingView.extend({ runner: z.string(), reportedAt: z.string() });
export type RunnerAccountingView = z.infer<typeof RunnerAccountingView>;

/** The forge an action serves, as `ailab login` keeps it: where releases and the git remote live. */
export const ForgeView = z.object({
  kind: z.enum(["gitea", "forgejo", "github"]),
  /** Web root with a trailing slash, e.g. https://gitea.example/ */
  url: z.string(),
  apiUrl: z.string(),
});
export type ForgeView = z.infer<typeof ForgeView>;

export const WhoAmI = z.object({
  user: z.string(),
  admin: z.boolean(),
  /** Present when the action serves a Gitea, Forgejo or GitHub (the token is then a forge token). */
  forge: ForgeView.optional(),
  /** Summed over every runner that reported this user; absent when none has. */
  accounting: AccountingView.optional(),
  accountingByRunner: z.array(RunnerAccountingView).optional(),
});
export type WhoAmI = z.infer<typeof WhoAmI>;

/** A GPU of a runner. `taskId` is shown to admins only; others see `busy`. */
export const GpuView = z.object({
  index: z.number(),
  uuid: z.string(),
  name: z.string(),
  memoryTotalMiB: z.number().nullable(),
  memoryUsedMiB: z.number().nullable(),
  utilizationPercent: z.number().nullable(),
  busy: z.boolean(),
  taskId: z.string().nullable().optional(),
});
export type GpuView = z.infer<typeof GpuView>;

/** A runner as its latest heartbeat described it. `stale`: not heard from within the action's window. */
export const RunnerView = z.object({
  name: z.string(),
  scheduler: z.string(),
  partitions: z.array(z.string()),
  gpuTypes: z.array(z.string()),
  totalGpus: z.number(),
  freeGpus: z.number(),
  gpus: z.array(GpuView),
  /** The Python versions it has (`3.11.7`); absent for a runner that does not say. */
  pythons: z.array(z.string()).optional(),
  /** How it keeps jobs apart: `bwrap`, or `none` (jobs unconfined); absent for a runner that does not say. */
  sandbox: z.enum(["bwrap", "none"]).optional(),
  lastSeen: z.string(),
  stale: z.boolean(),
});
export type RunnerView = z.infer<typeof RunnerView>;

export const ApiError = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

export const FINAL_STATES: readonly TaskState[] = ["success", "failure", "error", "cancelled"];
