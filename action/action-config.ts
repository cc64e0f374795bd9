// STUB — the shape is final; the action's helper may add members.
/** The action's configuration, parsed once at start. */
export interface ActionConfig {
  /** Holds action.db, the bare repositories (repos/<owner>/<name>.git), mirrors. */
  dataDir: string;
  relay: { kind: "dir"; path: string };
  /** The relay secret shared with the runners (HMAC key). */
  secret: string;
  /** Where the HTTP server listens; port 0 picks a free one. */
  host: string;
  port: number;
  /** Base URL students use (for target_url); defaults to http://host:port. */
  publicUrl?: string;
  /** Runner that gets submit messages (issue 3 adds several). */
  runnerName: string;
  /** Relay polling: fast while tasks are in flight, backing off to the cap. */
  pollMinMs: number;
  pollMaxMs: number;
}
