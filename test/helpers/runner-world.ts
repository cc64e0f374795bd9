import { join } from "node:path";
import type { TestContext } from "node:test";
import { DirRelayStore } from "../../core/relay/dir-store.js";
import { readRunnerConfig, type RunnerConfig, type RunnerFlags } from "../../runner-agent/runner-config.js";
import { startRunner, type RunningRunner } from "../../runner-agent/start-runner.js";
import { createLogger, silentLogger } from "../../core/logger.js";
import { ActionInbox } from "./runner-inbox.js";
import { tempDir } from "./temp-dir.js";

export const TEST_SECRET = "test-relay-secret-0123456789";
export const TEST_RUNNER = "test-runner";

/** A directory relay, a runner data folder and the action's side of the mailbox, all under one temp folder. */
export interface RunnerWorld {
  root: string;
  relayDir: string;
  dataDir: string;
  store: DirRelayStore;
  inbox: ActionInbox;
  /** The configuration a runner of this world gets (fast polling), with `flags` on top. */
  config(flags?: RunnerFlags, env?: NodeJS.ProcessEnv): RunnerConfig;
  /** Starts an in-process runner, stopped when the test ends (if the test has not stopped it). */
  start(flags?: RunnerFlags, env?: NodeJS.ProcessEnv): Promise<RunningRunner>;
  /** The flags and environment of `ailab-runner run` for this world, for a runner in a child process. */
  commandLine(): { args: string[]; env: NodeJS.ProcessEnv };
}

const FAST: RunnerFlags = { pollMinMs: "50", pollMaxMs: "200", progressIntervalMs: "0", cancelGraceMs: "2000" };

export async function createRunnerWorld(t: TestContext): Promise<RunnerWorld> {
  const root = await tempDir(t, "ailab-runner-");
  const relayDir = join(root, "relay");
  const dataDir = join(root, "runner");
  const store = new DirRelayStore(relayDir);
  const baseFlags: RunnerFlags = { ...FAST, relayDir, dataDir, name: TEST_RUNNER };
  const config = (flags: RunnerFlags = {}, env: NodeJS.ProcessEnv = process.env) =>
    readRunnerConfig({ ...baseFlags, ...flags }, { ...env, AILAB_SECRET: TEST_SECRET });
  return {
    root,
    relayDir,
    dataDir,
    store,
    inbox: new ActionInbox(store, TEST_SECRET),
    config,
    async start(flags, env) {
      // AILAB_TEST_LOG=1 shows what the runner does.
      const logger = process.env.AILAB_TEST_LOG ? createLogger({ level: "debug", tags: { runner: TEST_RUNNER } }) : silentLogger;
      const runner = await startRunner(config(flags, env), { logger });
      let stopped = false;
      t.after(() => (stopped ? undefined : runner.stop()));
      return {
        stop: () => {
          stopped = true;
          return runner.stop();
        },
      };
    },
    commandLine() {
      const args = Object.entries(baseFlags).flatMap(([flag, value]) => [`--${flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`, String(value)]);
      return { args, env: { ...process.env, AILAB_SECRET: TEST_SECRET } };
    },
  };
}
