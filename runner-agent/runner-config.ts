import { hostname } from "node:os";
import { join, resolve } from "node:path";
import { RELAY_ENV_VARS, readRelayConfig, readRelaySecret } from "../core/config/read-relay-settings.js";
import { ConfigError } from "../core/errors.js";
import type { RelayConfig } from "../core/relay/open-relay-store.js";
import { SLURM_NAME_PATTERN } from "../core/task/slurm-forms.js";
import type { FairShareLimits } from "./fair-share.js";
import type { SandboxKind } from "./sandbox/choose-sandbox.js";
import { FAIR_SHARE_ENV_VARS, readFairShareLimits, type FairShareFlags } from "./fair-share-config.js";
import { COLLECTION_LIMIT_ENV_VARS, readCollectionLimits, type CollectionLimitFlags, type CollectionLimits } from "./collection-limits.js";

/** The runner's configuration, parsed once at start. */
export interface RunnerConfig {
  name: string;
  /** Holds runner.db, objects cache, envs/<key>/, jobs/<task id>/ (the job's) and runner-files/<task id>/ (the runner's). */
  dataDir: string;
  relay: RelayConfig;
  secret: string;
  /**
   * Where jobs run. `maxJobs` bounds the jobs released at once (building,
   * running, or with Slurm pending in its queue): 1 by default for the local
   * executor; Infinity by default with Slurm, where the GPUs and CPUs of its
   * partitions bound the release. `partitions` (Slurm) are those the admin
   * allows; undefined: every partition `sinfo` lists.
   */
  scheduler: { kind: SchedulerKind; maxJobs: number; partitions?: string[] };
  /** The uv executable (a name looked up in PATH, or a path). */
  uvPath: string;
  /**
   * Extra environment for `uv sync` (e.g. UV_CACHE_DIR, UV_PYTHON_DOWNLOADS):
   * the runner's UV_* variables, plus UV_PYTHON_INSTALL_MIRROR from
   * --python-install-mirror / AILAB_PYTHON_INSTALL_MIRROR.
   */
  uvEnv: Record<string, string>;
  /**
   * A package index mirror (a PEP 503 "simple" URL) that every package is
   * downloaded from instead of the URLs a lockfile names; the lockfile's
   * versions and hashes still decide what is installed.
   */
  packageIndex?: string;
  /** Admin's replacement for templates/sbatch.hbs, if any. */
  templatePath?: string;
  pollMinMs: number;
  pollMaxMs: number;
  /** How often a running job's last log line is sent as an event. */
  progressIntervalMs: number;
  /**
   * The environment jobs and uv start from: the runner's own, less every
   * AILAB_* and AWS_* variable, so neither the relay secret nor the S3 keys reach a job.
   */
  baseEnv: Record<string, string>;
  /** Between SIGTERM and SIGKILL when a running job is cancelled. */
  cancelGraceMs: number;
  /** This machine's name, written into run.json. */
  node: string;
  /** GPUs the local executor hands out: all nvidia-smi lists ("auto") or these indices/UUIDs. */
  gpus: "auto" | string[];
  /** How often the runner tells the action what it offers (GPUs) and its users' accounting. */
  heartbeatMs: number;
  /** Per-user limits and the GPU-hour budget one cluster account is shared under. */
  fairShare: FairShareLimits;
  /**
   * How jobs are kept from the runner and from each other (see
   * chooseSandbox): `bwrap`, `none` (the admin opted out), or undefined for
   * the default, bwrap when it is installed.
   */
  sandbox?: SandboxKind;
  /** How much of a task's log and results the runner takes back. */
  limits: CollectionLimits;
}

export type SchedulerKind = "local" | "slurm";

/** Command-line flags of `ailab-runner run`; each overrides its environment variable. */
export interface RunnerFlags extends FairShareFlags, CollectionLimitFlags {
  name?: string;
  dataDir?: string;
  /** A folder or s3://BUCKET/PREFIX (AILAB_RELAY). */
  relay?: string;
  relayDir?: string;
  secretFile?: string;
  uv?: string;
  packageIndex?: string;
  /** Where uv downloads Pythons from (UV_PYTHON_INSTALL_MIRROR), e.g. a campus mirror of python-build-standalone. */
  pythonInstallMirror?: string;
  maxJobs?: string;
  template?: string;
  pollMinMs?: string;
  pollMaxMs?: string;
  progressIntervalMs?: string;
  cancelGraceMs?: string;
  gpus?: string;
  heartbeatMs?: string;
  scheduler?: string;
  partitions?: string;
  sandbox?: string;
}

/** The environment variables `readRunnerConfig` reads, for `--help`. */
export const RUNNER_ENV_VARS: Record<string, string> = {
  ...RELAY_ENV_VARS,
  AILAB_RUNNER_NAME: "this runner's name: its inbox is messages/to-runner/<name>/ (default: local, the name ailab-action sends to before any runner has reported)",
  AILAB_RUNNER_DIR: "where the runner keeps its database, caches and jobs (default: ~/.ailab/runner)",
  AILAB_UV: "the uv executable (default: uv, looked up in PATH once at start; a pyenv shim is resolved to the uv it runs)",
  AILAB_PACKAGE_INDEX: "a package index mirror (https://mirror.example.org/pypi/simple) that environments are built from instead of the URLs in uv.lock; versions and hashes still come from uv.lock (default: none)",
  AILAB_PYTHON_INSTALL_MIRROR: "where uv downloads Pythons from, an http(s):// or file:// URL (sets UV_PYTHON_INSTALL_MIRROR; default: uv's own)",
  AILAB_SCHEDULER: "where jobs run: local (this machine) or slurm (sbatch) (default: local)",
  AILAB_PARTITIONS: "Slurm partitions tasks may name, such as gpu,debug (default: every partition sinfo lists)",
  AILAB_MAX_JOBS: "jobs released at once (building, running, or pending in Slurm); the rest wait in the runner's fair-share queue (default: 1 with the local executor; with Slurm, as many as the GPUs and CPUs of its partitions hold)",
  AILAB_TEMPLATE: "a replacement for templates/sbatch.hbs",
  AILAB_POLL_MIN_MS: "poll interval while work is in flight (default: 1000)",
  AILAB_POLL_MAX_MS: "poll interval cap when idle (default: 15000)",
  AILAB_PROGRESS_INTERVAL_MS: "least time between two progress events of a job (default: 10000)",
  AILAB_CANCEL_GRACE_MS: "time between SIGTERM and SIGKILL on cancel (default: 5000)",
  AILAB_HEARTBEAT_MS: "how often the runner reports its GPUs and accounting to the action (default: 30000)",
  AILAB_SANDBOX: "how jobs are kept from the runner's files and from each other: bwrap (bubblewrap) or none, which lets every job read the relay secret and other jobs (default: bwrap when it is installed, else none with a warning)",
  AILAB_GPUS: "GPUs jobs may use: auto (all nvidia-smi lists), none, or indices/UUIDs such as 0,1 (default: auto)",
  ...FAIR_SHARE_ENV_VARS,
  ...COLLECTION_LIMIT_ENV_VARS,
};

const RUNNER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * Reads the runner's configuration from flags and environment variables (the
 * flag wins). Every bad value is quoted back with the form that was expected;
 * the secret itself is never quoted. Example:
 * `readRunnerConfig({ relayDir: "/srv/relay" }, { AILAB_SECRET_FILE: "/etc/ailab/secret" })`.
 */
export function readRunnerConfig(flags: RunnerFlags = {}, env: NodeJS.ProcessEnv = process.env): RunnerConfig {
  const setting = (flag: string | undefined, variable: string) => flag ?? nonEmpty(env[variable]);
  // A whole number from a flag or its variable; a bad one is quoted under the name it was given by.
  const whole = (flag: keyof RunnerFlags, variable: string, fallback: number, min: number) =>
    integer(setting(flags[flag], variable), flags[flag] === undefined ? variable : `--${flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`, fallback, min);
  const relay = readRelayConfig(flags.relay ?? flags.relayDir, env);
  const name = setting(flags.name, "AILAB_RUNNER_NAME") ?? "local";
  if (!RUNNER_NAME.test(name)) {
    throw new ConfigError(`runner name ${JSON.stringify(name)} is not valid: expected letters, digits, '.', '_' or '-' (at most 64)`, { setting: "AILAB_RUNNER_NAME" });
  }
  const dataDir = readDataDir(flags.dataDir, env);
  const pollMinMs = whole("pollMinMs", "AILAB_POLL_MIN_MS", 1000, 10);
  const pollMaxMs = whole("pollMaxMs", "AILAB_POLL_MAX_MS", Math.max(15000, pollMinMs), pollMinMs);
  const template = setting(flags.template, "AILAB_TEMPLATE");
  const sandbox = readSandbox(flags.sandbox ?? nonEmpty(env.AILAB_SANDBOX), flags.sandbox === undefined ? "AILAB_SANDBOX" : "--sandbox");
  const packageIndex = readPackageIndex(setting(flags.packageIndex, "AILAB_PACKAGE_INDEX"), flags.packageIndex === undefined ? "AILAB_PACKAGE_INDEX" : "--package-index");
  return {
    name,
    dataDir,
    relay,
    secret: readRelaySecret(flags.secretFile, env),
    scheduler: readScheduler(flags, env, (fallback) => whole("maxJobs", "AILAB_MAX_JOBS", fallback, 1)),
    uvPath: setting(flags.uv, "AILAB_UV") ?? "uv",
    uvEnv: { ...pick(env, (key) => key.startsWith("UV_")), ...readPythonInstallMirror(flags.pythonInstallMirror, env) },
    ...(packageIndex ? { packageIndex } : {}),
    ...(template ? { templatePath: resolve(template) } : {}),
    pollMinMs,
    pollMaxMs,
    progressIntervalMs: whole("progressIntervalMs", "AILAB_PROGRESS_INTERVAL_MS", 10000, 0),
    baseEnv: pick(env, (key) => !isAgentSecret(key)),
    cancelGraceMs: whole("cancelGraceMs", "AILAB_CANCEL_GRACE_MS", 5000, 0),
    node: hostname(),
    heartbeatMs: whole("heartbeatMs", "AILAB_HEARTBEAT_MS", 30000, 100),
    gpus: readGpus(flags.gpus ?? nonEmpty(env.AILAB_GPUS), flags.gpus === undefined ? "AILAB_GPUS" : "--gpus"),
    fairShare: readFairShareLimits(flags, env),
    ...(sandbox ? { sandbox } : {}),
    limits: readCollectionLimits(flags, env),
  };
}

/**
 * The runner's data folder (absolute): the flag, AILAB_RUNNER_DIR, or
 * ~/.ailab/runner. Shared with commands that only read the runner's
 * database, such as `ailab-runner accounting`.
 */
export function readDataDir(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  const home = nonEmpty(env.HOME);
  const dataDir = flag ?? nonEmpty(env.AILAB_RUNNER_DIR) ?? (home ? join(home, ".ailab", "runner") : undefined);
  if (!dataDir) throw new ConfigError("no data folder: set AILAB_RUNNER_DIR or --data-dir (HOME is not set either)", { setting: "AILAB_RUNNER_DIR" });
  return resolve(dataDir);
}


/** `{ UV_PYTHON_INSTALL_MIRROR }` from the flag or AILAB_PYTHON_INSTALL_MIRROR (which win over a UV_ one); empty when neither is set. */
function readPythonInstallMirror(flag: string | undefined, env: NodeJS.ProcessEnv): Record<string, string> {
  const setting = flag === undefined ? "AILAB_PYTHON_INSTALL_MIRROR" : "--python-install-mirror";
  const url = flag ?? nonEmpty(env.AILAB_PYTHON_INSTALL_MIRROR);
  if (url === undefined) return {};
  if (!/^(https?|file):\/\/\S+$/.test(url.trim())) {
    throw new ConfigError(`${setting} ${JSON.stringify(url)} is not valid: expected an http://, https:// or file:// URL`, { setting });
  }
  return { UV_PYTHON_INSTALL_MIRROR: url.trim() };
}

function readScheduler(flags: RunnerFlags, env: NodeJS.ProcessEnv, maxJobs: (fallback: number) => number): RunnerConfig["scheduler"] {
  const kindSetting = flags.scheduler === undefined ? "AILAB_SCHEDULER" : "--scheduler";
  const kind = (flags.scheduler ?? nonEmpty(env.AILAB_SCHEDULER) ?? "local").trim();
  if (kind !== "local" && kind !== "slurm") {
    throw new ConfigError(`${kindSetting} ${JSON.stringify(kind)} is not valid: expected local or slurm`, { setting: kindSetting });
  }
  const partitionsSetting = flags.partitions === undefined ? "AILAB_PARTITIONS" : "--partitions";
  const text = flags.partitions ?? nonEmpty(env.AILAB_PARTITIONS);
  if (kind === "local") {
    if (text !== undefined) throw new ConfigError(`${partitionsSetting} is for Slurm: expected --scheduler slurm (or AILAB_SCHEDULER=slurm) with it`, { setting: partitionsSetting });
    return { kind, maxJobs: maxJobs(1) };
  }
  // With Slurm the GPUs and CPUs of its partitions bound what is released; --max-jobs may bound it further.
  const released = maxJobs(Number.POSITIVE_INFINITY);
  if (text === undefined) return { kind, maxJobs: released };
  const partitions = text.split(",").map((p) => p.trim());
  if (partitions.some((p) => !SLURM_NAME_PATTERN.test(p))) {
    throw new ConfigError(`${partitionsSetting} ${JSON.stringify(text)} is not valid: expected Slurm partition names separated by commas (gpu,debug)`, { setting: partitionsSetting });
  }
  return { kind, maxJobs: released, partitions: [...new Set(partitions)] };
}

function readPackageIndex(text: string | undefined, setting: string): string | undefined {
  if (text === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(text.trim());
  } catch {
    url = undefined;
  }
  if (url && (url.username || url.password)) {
    // Not quoted back: the value holds a password.
    throw new ConfigError(`${setting} holds credentials: give the mirror's URL without them (uv reads them from ~/.netrc)`, { setting });
  }
  if (!url || (url.protocol !== "https:" && url.protocol !== "http:")) {
    throw new ConfigError(`${setting} ${JSON.stringify(text)} is not valid: expected the http(s) URL of a package index, such as https://mirror.example.org/pypi/simple`, { setting });
  }
  return url.href.replace(/\/+$/, "");
}

function readSandbox(text: string | undefined, setting: string): SandboxKind | undefined {
  if (text === undefined) return undefined;
  const kind = text.trim();
  if (kind !== "bwrap" && kind !== "none") throw new ConfigError(`${setting} ${JSON.stringify(text)} is not valid: expected bwrap or none`, { setting });
  return kind;
}

function readGpus(text: string | undefined, setting: string): "auto" | string[] {
  if (text === undefined || text.trim() === "auto") return "auto";
  if (text.trim() === "none") return [];
  const ids = text.split(",").map((id) => id.trim());
  if (ids.some((id) => !/^[A-Za-z0-9-]+$/.test(id))) {
    throw new ConfigError(`${setting} ${JSON.stringify(text)} is not valid: expected auto, none, or GPU indices or UUIDs separated by commas (0,1)`, { setting });
  }
  return ids;
}

function integer(text: string | undefined, setting: string, fallback: number, min: number): number {
  if (text === undefined) return fallback;
  const value = /^\d+$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!Number.isSafeInteger(value) || value < min) {
    throw new ConfigError(`${setting} ${JSON.stringify(text)} is not valid: expected a whole number of at least ${min}`, { setting });
  }
  return value;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}

function pick(env: NodeJS.ProcessEnv, keep: (key: string) => boolean): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined && keep(key)) out[key] = value;
  return out;
}

/**
 * Variables the runner's own environment may hold that must never reach a
 * job: ailab's settings (the relay secret among them) and the S3 keys.
 */
function isAgentSecret(key: string): boolean {
  return key.startsWith("AILAB_") || key.startsWith("AWS_");
}
