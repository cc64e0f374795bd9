import type { Clock } from "../core/clock.js";
import type { Db } from "../core/db/open-database.js";
import type { Logger } from "../core/logger.js";
import type { RelayStore } from "../core/relay/relay-store.js";
import type { Outbox } from "./outbox.js";
import type { RunnerConfig } from "./runner-config.js";
import type { Scheduler } from "./scheduler.js";
import type { UvEnvBuilder } from "./uv-env-builder.js";
import type { ObjectCache } from "./object-cache.js";
import type { LocalGpu } from "./gpu-inventory.js";
import type { ProcessRunner } from "./process-runner.js";
import type { AllowedPartitions } from "./slurm/slurm-partitions.js";
import type { SandboxKind } from "./sandbox/choose-sandbox.js";
import type { ClusterCapacity } from "./slurm/slurm-capacity.js";

/** What every step of the runner works with: built once in `startRunner`. */
export interface RunnerContext {
  config: RunnerConfig;
  db: Db;
  relay: RelayStore;
  outbox: Outbox;
  scheduler: Scheduler;
  envs: UvEnvBuilder;
  objects: ObjectCache;
  clock: Clock;
  log: Logger;
  /** Runs helper programs (uv, nvidia-smi). */
  run: ProcessRunner;
  /** The GPUs the local executor hands out (none for Slurm, which does that itself). */
  gpus: LocalGpu[];
  /**
   * Slurm: the GPUs and CPUs of the allowed partitions, asked of sinfo at start and with each heartbeat; the
   * runner releases no more at once. Unbounded for the local executor, which
   * hands out its GPUs itself (`gpus`) and counts jobs (`maxJobs`).
   */
  capacity: ClusterCapacity;
  /** Slurm: the partitions tasks may name; undefined for the local executor. */
  partitions: AllowedPartitions | undefined;
  /** The GPU types the last heartbeat offered, in the scheduler's spelling (Slurm's gres types); see schedulerGpuType. */
  offeredGpuTypes: string[];
  /** The Python versions uv has here (`3.11.7`), found at start; sent in the heartbeat. */
  pythons: string[];
  /** The admin's batch-script template, read at start; undefined for the built-in one. */
  template: string | undefined;
  /** How jobs run (decided at start by chooseSandbox): in a bwrap sandbox, or unconfined. */
  sandbox: SandboxKind;
  /** The uv the runner found at start (absolute), which job venvs link to. */
  uvPath: string;
}
