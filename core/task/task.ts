import { z } from "zod";

/**
 * A task after parsing and normalising task.toml: one shape, whichever of the
 * two accepted spellings the user wrote. Paths are POSIX, relative to the
 * project root, without a leading `./` or a trailing `/` (`.` is the root).
 * This is what travels in the submit message and what the runner renders.
 * The schema is not strict (`z.object` drops unknown fields): what the user
 * wrote is checked key by key by the task-file readers, and on the wire a
 * field from a newer action must not make an older runner refuse the task.
 */
export const TASK_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export const Task = z.object({
  name: z.string().regex(TASK_NAME_PATTERN),
  description: z.string().optional(),
  cluster: z.string().optional(),
  /**
   * `false`: a newer push to the same branch leaves this task running
   * instead of cancelling it (the default, absent, supersedes).
   */
  supersede: z.literal(false).optional(),
  resources: z.object({
    gpus: z.number().int().min(0),
    gpuType: z.string().optional(),
    cpus: z.number().int().min(1),
    memory: z.string(),
    timeLimit: z.string(),
    partition: z.string().optional(),
  }),
  environment: z.object({
    pyproject: z.string(),
    lockfile: z.string(),
    extraWheels: z.array(z.string()),
    env: z.record(z.string(), z.string()),
    label: z.string().optional(),
  }),
  files: z.object({
    ignore: z.array(z.string()),
    datasets: z.array(z.string()),
    download: z.array(z.object({ remote: z.string(), local: z.string() })),
    /**
     * What of the commit reaches the cluster, as (project path → path in the
     * job's folder). The default, and the older spelling's `upload = "."`,
     * is `[{ local: ".", remote: "." }]`: everything not ignored.
     */
    upload: z.array(z.object({ local: z.string(), remote: z.string() })),
  }),
  run: z.object({
    workdir: z.string(),
    commands: z.array(z.string()).min(1),
    results: z.array(z.string()),
    logs: z.array(z.string()),
  }),
  /** Parameter name → the values it takes; the runs are their cross product. */
  sweep: z.record(z.string(), z.array(z.union([z.string(), z.number()]))).optional(),
});
export type Task = z.infer<typeof Task>;
