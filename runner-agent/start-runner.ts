import { mkdirSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { systemClock, type Clock } from "../core/clock.js";
import { AilabError } from "../core/errors.js";
import { createLogger, type Logger } from "../core/logger.js";
import { openRelayStore } from "../core/relay/open-relay-store.js";
import { sweepRelayLeftovers, type RelayStore } from "../core/relay/relay-store.js";
import { findGpus } from "./gpu-inventory.js";
import { LocalExecutor } from "./local-executor.js";
import { ObjectCache } from "./object-cache.js";
import { Outbox } from "./outbox.js";
import { runProcess, type ProcessRunner } from "./process-runner.js";
import type { RunnerConfig } from "./runner-config.js";
import type { RunnerContext } from "./runner-context.js";
import { openRunnerDb } from "./runner-db.js";
import { slurmOffer } from "./gpu-offer.js";
import { lockDataDir } from "../core/data-dir-lock.js";
import { RunnerLoop } from "./runner-loop.js";
import { SlurmScheduler } from "./slurm/slurm-scheduler.js";
import { listPartitions, type AllowedPartitions } from "./slurm/slurm-partitions.js";
import { trySlurmCapacity, UNBOUNDED } from "./slurm/slurm-capacity.js";
import { findUv } from "./find-uv.js";
import { chooseSandbox } from "./sandbox/choose-sandbox.js";
import { UvEnvBuilder } from "./uv-env-builder.js";

export interface RunnerDeps {
  clock?: Clock;
  logger?: Logger;
  /** The relay; by default the folder in `config.relay`. */
  store?: RelayStore;
  /** How uv is run; by default real processes. */
  run?: ProcessRunner;
}

export interface RunningRunner {
  /** Ends the loop cleanly (in-flight builds are redone at the next start); jobs keep running. */
  stop(): Promise<void>;
}

/**
 * Starts the runner: opens its database and caches under `config.dataDir`,
 * then cycles (see RunnerLoop) until `stop()`. What an earlier runner left
 * (running jobs, unsent messages, half-built environments) is picked up by
 * the first cycle.
 */
export async function startRunner(config: RunnerConfig, deps: RunnerDeps = {}): Promise<RunningRunner> {
  const clock = deps.clock ?? systemClock;
  const log = deps.logger ?? createLogger({ secrets: [config.secret], tags: { runner: config.name } });
  const relay = deps.store ?? openRelayStore(config.relay);
  mkdirSync(config.dataDir, { recursive: true });
  const lock = lockDataDir(config.dataDir, { pidFile: "runner.pid", program: "runner", hint: "set AILAB_RUNNER_DIR" });
  const db = openRunnerDb(join(config.dataDir, "runner.db"));
  try {
    await sweepRelayLeftovers(relay, clock.now(), log);
    const template = config.templatePath === undefined ? undefined : await readFile(config.templatePath, "utf8");
    const objects = new ObjectCache(join(config.dataDir, "objects"), relay, log);
    const run = deps.run ?? runProcess;
    const uvPath = (await findUv(config.uvPath, config.baseEnv, run)) ?? config.uvPath;
    const envs = new UvEnvBuilder({ root: join(config.dataDir, "envs"), uvPath, baseEnv: config.baseEnv, uvEnv: config.uvEnv, ...(config.packageIndex ? { packageIndex: config.packageIndex } : {}), relay, objects, run });
    const { scheduler, partitions, gpus, capacity } = await chooseScheduler(config, run, log);
    const pythons = await checkUv(envs, uvPath, log);
    const sandbox = await chooseSandbox(config.sandbox, config.baseEnv, run, log);
    // The types a job may ask for, in the scheduler's spelling, before the first heartbeat refreshes them.
    const offeredGpuTypes = scheduler.kind === "slurm" ? (await slurmOffer(partitions?.names, run, config.baseEnv, log)).gpuTypes : [];
    const ctx: RunnerContext = { config, db, relay, outbox: new Outbox(db, config.secret, clock), scheduler, envs, objects, clock, log, template, gpus, run, partitions, capacity, pythons, sandbox, uvPath, offeredGpuTypes };
    const loop = new RunnerLoop(ctx);
    const running = loop.run();
    log.info("runner started", { dataDir: config.dataDir, relay: config.relay.kind === "dir" ? config.relay.path : `s3://${config.relay.bucket}/${config.relay.prefix ?? ""}`, scheduler: config.scheduler.kind, maxJobs: config.scheduler.maxJobs });
    return {
      stop: async () => {
        loop.stop();
        await running;
        db.close();
        lock.release();
        log.info("runner stopped");
      },
    };
  } catch (e) {
    db.close();
    lock.release();
    throw e;
  }
}

/**
 * Slurm (sbatch with the runner's environment, which holds no AILAB_*
 * secrets; Slurm hands out the GPUs) or the local executor (GPUs from
 * nvidia-smi or the admin's list, handed out by the runner).
 */
async function chooseScheduler(config: RunnerConfig, run: ProcessRunner, log: Logger): Promise<Pick<RunnerContext, "scheduler" | "partitions" | "gpus" | "capacity">> {
  if (config.scheduler.kind === "slurm") {
    const chosen = config.scheduler.partitions;
    const partitions: AllowedPartitions = chosen ? { names: chosen, chosenByAdmin: true } : { names: await listPartitions(run, config.baseEnv), chosenByAdmin: false };
    const capacity = (await trySlurmCapacity(partitions.names, run, config.baseEnv, log)) ?? UNBOUNDED;
    log.info("Slurm partitions tasks may use", { partitions: partitions.names, gpus: capacity.gpus, cpus: capacity.cpus });
    return { scheduler: new SlurmScheduler({ run, log, env: config.baseEnv }), partitions, gpus: [], capacity };
  }
  const gpus = await findGpus(config.gpus, run, config.baseEnv, log);
  log.info("GPUs for jobs", { gpus: gpus.map((g) => `${g.id} ${g.name}`.trim()) });
  return { scheduler: new LocalExecutor({ cancelGraceMs: config.cancelGraceMs }), partitions: undefined, gpus, capacity: UNBOUNDED };
}

/**
 * A missing uv is said at start, where the admin looks; tasks then end with
 * the same message. Returns the Python versions uv has (none without uv).
 */
async function checkUv(envs: UvEnvBuilder, uvPath: string, log: Logger): Promise<string[]> {
  try {
    log.info("uv found", { path: uvPath, version: await envs.uvVersion() });
    const pythons = await envs.pythons();
    log.info("Pythons for environments", { pythons });
    return pythons;
  } catch (e) {
    if (!(e instanceof AilabError)) throw e;
    log.error(e.message, { code: e.code });
    return [];
  }
}
