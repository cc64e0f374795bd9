import type { Clock } from "../core/clock.js";
import type { Logger } from "../core/logger.js";
import type { RelayStore } from "../core/relay/relay-store.js";
import type { Db } from "./action-db.js";
import type { ActionConfig } from "./action-config.js";
import type { Forge } from "./forge/forge.js";
import type { RemoteForgeConfig } from "./forge/forge-config.js";
import type { PushSource } from "./forge/push-source.js";
import type { ForgeClient } from "./forge/remote/forge-client.js";
import type { GitRunner } from "./githost/git-runner.js";
import type { GitSlots } from "./githost/git-slots.js";
import type { Repositories } from "./githost/repositories.js";
import type { KeyedLock } from "./push/keyed-lock.js";
import type { Accounts } from "./users/accounts.js";

/**
 * Everything a handler needs, built once at start (like probot's Context):
 * handlers never open databases, create clients or read the environment.
 */
export interface ActionContext {
  config: ActionConfig;
  db: Db;
  store: RelayStore;
  git: GitRunner;
  /** The bare repositories pushes are read from: the built-in host's own, or the forge's mirrors. */
  repos: Repositories;
  /** Where results are shown (statuses, releases). */
  forge: Forge;
  /** Where pushes come from: how `repos` is brought up to date, and what to reconcile. */
  pushSource: PushSource;
  /** Who a token is and what they may do with a repository. */
  accounts: Accounts;
  /** The Gitea, Forgejo or GitHub the action serves, when it is not the built-in host. */
  remote?: { config: RemoteForgeConfig; client: ForgeClient };
  clock: Clock;
  log: Logger;
  /** The built-in git host's per-user count of running git processes. */
  gitSlots: GitSlots;
  /** Serialises work on one repository (push detection, notes, tags). */
  locks: KeyedLock;
  /** The public URL of the server, without a trailing slash. */
  baseUrl(): string;
  /** Asks the relay loop to run a cycle now (a message is waiting to go out). */
  wake(): void;
}

export function nowIso(ctx: Pick<ActionContext, "clock">): string {
  return new Date(ctx.clock.now()).toISOString();
}

/** The task's page: where a commit status's target_url points. */
export function taskUrl(ctx: Pick<ActionContext, "baseUrl">, taskId: string): string {
  return `${ctx.baseUrl()}/tasks/${taskId}`;
}
