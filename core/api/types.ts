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
  artifacts: z.array(ArtifactView),
});
export type TaskView = z.infer<typeof TaskView>;

export const WhoAmI = z.object({ user: z.string(), admin: z.boolean() });
export type WhoAmI = z.infer<typeof WhoAmI>;

export const ApiError = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

export const FINAL_STATES: readonly TaskState[] = ["success", "failure", "error", "cancelled"];
