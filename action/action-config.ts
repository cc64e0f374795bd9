import { homedir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { networkEnv } from "../core/config/network-env.js";
import { MIN_SECRET_LENGTH, readRelayConfig, readRelaySecret } from "../core/config/read-relay-settings.js";
import { ConfigError } from "../core/errors.js";
import type { RelayConfig } from "../core/relay/open-relay-store.js";
import { readActionLimits, type ActionLimits, type LimitOptions } from "./action-limits.js";
import { readForgeConfig, type ForgeConfig, type ForgeOptions } from "./forge/forge-config.js";

/** The action's configuration, parsed once at start. */
export interface ActionConfig {
  /** Holds action.db, the bare repositories (repos/<owner>/<name>.git), mirrors. */
  dataDir: string;
  relay: RelayConfig;
  /** The relay secret shared with the runners (HMAC key). */
  secret: string;
  /** Where the HTTP server listens; port 0 picks a free one. */
  host: string;
  port: number;
  /** Base URL students use (for target_url); defaults to http://host:port. */
  publicUrl?: string;
  /** Runner that gets submit messages until some runner sends a heartbeat. */
  runnerName: string;
  /** A runner not heard from for this long is passed over while others are fresh (default 10 minutes). */
  runnerStaleMs: number;
  /** Relay polling: fast while tasks are in flight, backing off to the cap. */
  pollMinMs: number;
  pollMaxMs: number;
  /** PATH used to find `git` (the action runs `git http-backend`, `git notes`, …). */
  searchPath?: string;
  /** CA bundles, proxies and UV_* from the action's environment, kept for the git it runs (see networkEnv). */
  networkEnv: Record<string, string>;
  /** The built-in git host, or the Gitea, Forgejo or GitHub whose pushes the action takes. */
  forge: ForgeConfig;
  /** With a forge: how often every hooked repository's branches are compared with what was seen (lost deliveries). */
  reconcileMs: number;
  /** Per-user caps on waiting tasks, repositories, git processes and push size (see ActionLimits). */
  limits: ActionLimits;
}

/** What the command line gave; every member may also come from the environment. */
export interface ActionOptions extends ForgeOptions, LimitOptions {
  dataDir?: string;
  /** A folder or s3://BUCKET/PREFIX (AILAB_RELAY). */
  relay?: string;
  /** A relay folder (AILAB_RELAY_DIR); `relay` wins when both are given. */
  relayDir?: string;
  secret?: string;
  secretFile?: string;
  listen?: string;
  publicUrl?: string;
  runnerName?: string;
  runnerStaleMs?: string | number;
  pollMinMs?: string | number;
  pollMaxMs?: string | number;
  reconcileMs?: string | number;
}

const RUNNER_NAME_PATTERN = /^[a-z][a-z0-9_-]{0,31}$/;

/**
 * Builds the action's configuration from command-line options, falling back
 * to environment variables (AILAB_ACTION_DIR, AILAB_RELAY or AILAB_RELAY_DIR
 * with AILAB_S3_* and AWS_* for an S3 relay, AILAB_SECRET,
 * AILAB_SECRET_FILE, AILAB_LISTEN, AILAB_PUBLIC_URL, AILAB_RUNNER_NAME,
 * AILAB_RUNNER_STALE_MS, AILAB_POLL_MIN_MS, AILAB_POLL_MAX_MS). A bad value throws ConfigError
 * quoting the value (never a secret) and the form that was expected.
 */
export function readActionConfig(options: ActionOptions, env: NodeJS.ProcessEnv = process.env): ActionConfig {
  const dataDir = readDataDir(options, env);
  const relay = readRelayConfig(options.relay ?? options.relayDir, env);
  const { host, port } = parseListen(options.listen ?? env.AILAB_LISTEN ?? "127.0.0.1:8080");
  const publicUrl = options.publicUrl ?? env.AILAB_PUBLIC_URL;
  if (publicUrl !== undefined && !/^https?:\/\/[^\s/]+(\/\S*)?$/.test(publicUrl)) {
    throw new ConfigError(`public URL ${JSON.stringify(publicUrl)} is not an http(s) URL such as "https://ailab.example.org"`, {
      setting: "publicUrl",
    });
  }
  const runnerName = options.runnerName ?? env.AILAB_RUNNER_NAME ?? "local";
  if (!RUNNER_NAME_PATTERN.test(runnerName)) {
    throw new ConfigError(`runner name ${JSON.stringify(runnerName)} must match ${RUNNER_NAME_PATTERN.source}`, { setting: "runnerName" });
  }
  const runnerStaleMs = parseMs("runner-stale-ms", options.runnerStaleMs ?? env.AILAB_RUNNER_STALE_MS ?? 10 * 60 * 1000);
  const pollMinMs = parseMs("poll-min-ms", options.pollMinMs ?? env.AILAB_POLL_MIN_MS ?? 1000);
  const pollMaxMs = parseMs("poll-max-ms", options.pollMaxMs ?? env.AILAB_POLL_MAX_MS ?? 15000);
  if (pollMaxMs < pollMinMs) {
    throw new ConfigError(`poll-max-ms ${pollMaxMs} is below poll-min-ms ${pollMinMs}; expected max >= min`, { setting: "pollMaxMs" });
  }
  return {
    dataDir,
    relay,
    secret: readSecret(options, env),
    host,
    port,
    ...(publicUrl !== undefined ? { publicUrl: publicUrl.replace(/\/+$/, "") } : {}),
    runnerName,
    runnerStaleMs,
    pollMinMs,
    pollMaxMs,
    ...(env.PATH !== undefined ? { searchPath: env.PATH } : {}),
    networkEnv: networkEnv(env),
    forge: readForgeConfig(options, env),
    reconcileMs: parseMs("reconcile-ms", options.reconcileMs ?? env.AILAB_RECONCILE_MS ?? 5 * 60 * 1000),
    limits: readActionLimits(options, env),
  };
}

/**
 * The action's data folder alone (what `user add` and `grant` need):
 * --data-dir, else AILAB_ACTION_DIR, else $XDG_DATA_HOME/ailab/action or
 * ~/.local/share/ailab/action.
 */
export function readDataDir(options: { dataDir?: string }, env: NodeJS.ProcessEnv = process.env): string {
  const explicit = options.dataDir ?? env.AILAB_ACTION_DIR;
  if (explicit !== undefined) {
    if (explicit.trim() === "") throw new ConfigError(`data folder ${JSON.stringify(explicit)} is empty; expected a folder path`, { setting: "dataDir" });
    return resolve(explicit);
  }
  const dataHome = env.XDG_DATA_HOME && isAbsolute(env.XDG_DATA_HOME) ? env.XDG_DATA_HOME : join(env.HOME ?? homedir(), ".local", "share");
  return join(dataHome, "ailab", "action");
}

/** "host:port", "[::1]:port" or ":port"; port 0 picks a free one. */
export function parseListen(text: string): { host: string; port: number } {
  const match = /^(?:\[([0-9a-fA-F:]+)\]|([A-Za-z0-9.-]*)):(\d{1,5})$/.exec(text);
  const port = match ? Number(match[3]) : NaN;
  if (!match || port > 65535) {
    throw new ConfigError(`listen address ${JSON.stringify(text)} is not of the form HOST:PORT, e.g. "127.0.0.1:8080" or ":0"`, {
      setting: "listen",
    });
  }
  return { host: match[1] ?? (match[2] || "127.0.0.1"), port };
}

function parseMs(setting: string, value: string | number): number {
  const n = typeof value === "number" ? value : /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 10) {
    throw new ConfigError(`${setting} ${JSON.stringify(value)} is not a whole number of milliseconds >= 10, e.g. 1000`, { setting });
  }
  return n;
}

/** An inline secret (what `ailab up` passes) or the shared reader's AILAB_SECRET / file. */
function readSecret(options: ActionOptions, env: NodeJS.ProcessEnv): string {
  if (options.secret === undefined) return readRelaySecret(options.secretFile, env);
  // The value itself is never quoted back: it is a secret.
  const secret = options.secret.trim();
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new ConfigError(`the relay secret is ${secret.length} characters long: expected at least ${MIN_SECRET_LENGTH}`, { setting: "AILAB_SECRET" });
  }
  return secret;
}
