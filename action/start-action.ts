import { once } from "node:events";
import { mkdirSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { systemClock, type Clock } from "../core/clock.js";
import { lockDataDir } from "../core/data-dir-lock.js";
import { createLogger, type Logger } from "../core/logger.js";
import { InboxMemory } from "../core/protocol/mailbox.js";
import { openRelayStore } from "../core/relay/open-relay-store.js";
import { sweepRelayLeftovers, type RelayStore } from "../core/relay/relay-store.js";
import type { ActionConfig } from "./action-config.js";
import type { ActionContext } from "./action-context.js";
import { openActionDb } from "./action-db.js";
import { readActionInbox } from "./events/read-action-inbox.js";
import { startRelayLoop } from "./events/relay-loop.js";
import { createBuiltinForge } from "./forge/builtin-forge.js";
import type { Forge } from "./forge/forge.js";
import { builtinPushSource, type PushSource } from "./forge/push-source.js";
import { createForgeAccounts } from "./forge/remote/forge-accounts.js";
import { createForgeClient } from "./forge/remote/forge-client.js";
import { createMirrorPushSource } from "./forge/remote/mirror-push-source.js";
import { createRemoteForge } from "./forge/remote/remote-forge.js";
import { createGitRunner } from "./githost/git-runner.js";
import { GitSlots } from "./githost/git-slots.js";
import { Repositories } from "./githost/repositories.js";
import { sweepStaleLocks } from "./githost/stale-git-lock.js";
import { createActionServer } from "./http/create-server.js";
import { reconcileRepositories } from "./push/handle-ref-changes.js";
import { KeyedLock } from "./push/keyed-lock.js";
import { getTask } from "./tasks/task-store.js";
import { builtinAccounts, type Accounts } from "./users/accounts.js";

export interface RunningAction {
  /** Where the server listens, e.g. http://127.0.0.1:41234 */
  url: string;
  port: number;
  /** Closes the server and the relay loop, then the database. */
  stop(): Promise<void>;
}

/**
 * Starts ailab-action: opens its database, reads what the runners sent
 * while it was down, reconciles every repository
 * against the stored ref state (pushes made while it was down are handled),
 * then serves the git host, the API and the task pages, and runs the relay
 * loop. `deps` lets a test pass its own clock, logger or relay store.
 * A second action on the same data folder is refused before it touches
 * anything (it would make a second task for every push).
 */
export async function startAction(config: ActionConfig, deps: ActionDeps = {}): Promise<RunningAction> {
  mkdirSync(config.dataDir, { recursive: true });
  const lock = lockDataDir(config.dataDir, { pidFile: "action.pid", program: "ailab-action", hint: "give this one another --data-dir or AILAB_ACTION_DIR" });
  try {
    const running = await startLocked(config, deps);
    return {
      ...running,
      async stop() {
        try {
          await running.stop();
        } finally {
          lock.release();
        }
      },
    };
  } catch (e) {
    lock.release();
    throw e;
  }
}

interface ActionDeps {
  clock?: Clock;
  logger?: Logger;
  store?: RelayStore;
}

async function startLocked(config: ActionConfig, deps: ActionDeps): Promise<RunningAction> {
  const clock = deps.clock ?? systemClock;
  const secrets = [config.secret, ...(config.forge.kind === "builtin" ? [] : [config.forge.token, config.forge.webhookSecret])];
  const log = deps.logger ?? createLogger({ secrets, tags: { agent: "action" } });
  const db = openActionDb(config.dataDir);
  const git = createGitRunner({
    ...(config.searchPath !== undefined ? { searchPath: config.searchPath } : {}),
    home: config.dataDir,
    networkEnv: config.networkEnv,
    now: () => clock.now(),
    onStaleLock: (path) => log.warn("removed a stale git lock left by a git that crashed", { path }),
  });
  const store = deps.store ?? openRelayStore(config.relay);
  const locks = new KeyedLock();
  const now = () => new Date(clock.now()).toISOString();
  let baseUrl = config.publicUrl ?? "";
  let wake = () => {};

  let repos: Repositories;
  let forge: Forge;
  let pushSource: PushSource;
  let accounts: Accounts;
  let remote: ActionContext["remote"];
  if (config.forge.kind === "builtin") {
    repos = new Repositories(join(config.dataDir, "repos"), git);
    forge = createBuiltinForge({ db, git, repos, locks, now });
    pushSource = builtinPushSource(repos);
    accounts = builtinAccounts(db);
  } else {
    const forgeConfig = config.forge;
    const client = createForgeClient(forgeConfig);
    // Mirrors of the forge's repositories, kept apart from the built-in host's folder.
    repos = new Repositories(join(config.dataDir, "mirrors"), git);
    forge = createRemoteForge({
      client,
      store,
      stagingDir: join(config.dataDir, "staging"),
      maxAssetBytes: forgeConfig.maxAssetBytes,
      artifactUrl: (taskId, name) => `${baseUrl}/api/tasks/${taskId}/artifacts/${encodeURIComponent(name)}`,
      runnerOf: (taskId) => getTask(db, taskId)?.runner ?? null,
    });
    pushSource = createMirrorPushSource({ db, git, mirrors: repos, client, token: forgeConfig.token });
    accounts = createForgeAccounts({ db, client, now: () => clock.now() });
    remote = { config: forgeConfig, client };
  }
  await sweepRelayLeftovers(store, clock.now(), log);
  // Nothing of ours runs git yet and nothing listens: a lock old enough is a crashed git's.
  for (const repo of await repos.list()) {
    for (const path of sweepStaleLocks(repos.gitDir(repo), clock.now())) log.warn("removed a stale git lock left by a git that crashed", { path });
  }
  const ctx: ActionContext = {
    config,
    db,
    store,
    git,
    repos,
    forge,
    pushSource,
    accounts,
    ...(remote ? { remote } : {}),
    clock,
    log,
    locks,
    gitSlots: new GitSlots(config.limits.maxGitPerUser),
    baseUrl: () => baseUrl,
    wake: () => wake(),
  };

  const server = createActionServer(ctx);
  server.listen(config.port, config.host);
  await once(server, "listening");
  const port = (server.address() as AddressInfo).port;
  const host = config.host.includes(":") ? `[${config.host}]` : config.host;
  const url = `http://${host === "0.0.0.0" || host === "[::]" ? "127.0.0.1" : host}:${port}`;
  if (!config.publicUrl) baseUrl = url;

  // What the inbox reader remembers (messages of a newer protocol, failed applies), shared by the first read and the loop.
  const inbox = new InboxMemory();
  try {
    // Heartbeats that arrived while the action was down say where the pushes it missed can go.
    await readActionInbox(ctx, inbox);
  } catch (e) {
    log.warn("reading the relay inbox at start failed; the relay loop retries", { error: e });
  }
  try {
    await reconcileRepositories(ctx);
  } catch (e) {
    log.error("reconciling repositories failed", { error: e });
  }
  const loop = startRelayLoop(ctx, inbox);
  wake = () => loop.wake();
  log.info("ailab-action listening", { url, relay: config.relay.kind === "dir" ? config.relay.path : `s3://${config.relay.bucket}/${config.relay.prefix ?? ""}`, runner: config.runnerName });

  return {
    url,
    port,
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await loop.stop();
      db.close();
    },
  };
}
