// STUB — the shape is final; the runner's helper may add members.
/** The runner's configuration, parsed once at start. */
export interface RunnerConfig {
  name: string;
  /** Holds runner.db, objects cache, envs/<key>/, jobs/<task id>/. */
  dataDir: string;
  relay: { kind: "dir"; path: string };
  secret: string;
  scheduler: { kind: "local"; maxJobs: number };
  /** The uv executable (a name looked up in PATH, or a path). */
  uvPath: string;
  /** Extra environment for `uv sync` (e.g. UV_CACHE_DIR, UV_PYTHON_DOWNLOADS). */
  uvEnv: Record<string, string>;
  /** Admin's replacement for templates/sbatch.hbs, if any. */
  templatePath?: string;
  pollMinMs: number;
  pollMaxMs: number;
  /** How often a running job's last log line is sent as an event. */
  progressIntervalMs: number;
}
