import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { TestContext } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { readActionConfig, type ActionConfig } from "../../action/action-config.js";
import type { LimitOptions } from "../../action/action-limits.js";
import { openActionDb } from "../../action/action-db.js";
import { startAction, type RunningAction } from "../../action/start-action.js";
import { addUser } from "../../action/users/user-store.js";
import type { TaskView } from "../../core/api/types.js";
import { silentLogger } from "../../core/logger.js";
import { DirRelayStore } from "../../core/relay/dir-store.js";
import type { RelayStore } from "../../core/relay/relay-store.js";
import { openEnvelope } from "../../core/protocol/envelope.js";
import { inboxes } from "../../core/protocol/mailbox.js";
import { ToRunner } from "../../core/protocol/messages.js";
import { tempDir } from "./temp-dir.js";

/** How long the wait helpers poll before giving up (generous: the suite runs two files at once). */
const WAIT_MS = 15_000;

export const ACTION_TEST_SECRET = "test-relay-secret-0123456789abcdef";

/** A running ailab-action on 127.0.0.1 with users alice, bob and root (admin), a directory relay and its own temp folder. */
export interface ActionHarness {
  root: string;
  config: ActionConfig;
  relay: DirRelayStore;
  tokens: { alice: string; bob: string; root: string };
  action: RunningAction;
  url: string;
  /** Restarts the server on the same data (a new port). */
  restart(): Promise<void>;
  /** The API with a token: returns the status and the parsed JSON (or text). */
  api(token: string | undefined, path: string, init?: RequestInit): Promise<{ status: number; body: unknown; headers: Headers }>;
  /** Polls GET /api/tasks/:id (as alice by default) until `check` holds. */
  waitForTask(id: string, check: (task: TaskView) => boolean, token?: string): Promise<TaskView>;
  /** Polls GET /api/tasks until `check` holds for the list. */
  waitForTasks(check: (tasks: TaskView[]) => boolean, token?: string): Promise<TaskView[]>;
  gitUrl(owner: string, repo: string): string;
}

/**
 * Starts an action for one test; the test's end stops it and removes its
 * folder. `wrapStore` puts something in front of the real directory relay
 * (to simulate an outage); `limits` sets the per-user caps.
 */
export async function startActionHarness(
  t: TestContext,
  options: { wrapStore?: (store: RelayStore) => RelayStore; limits?: LimitOptions } = {},
): Promise<ActionHarness> {
  const root = await tempDir(t, "ailab-action-");
  const dataDir = join(root, "action");
  const relayDir = join(root, "relay");
  await mkdir(relayDir, { recursive: true });
  const db = openActionDb(dataDir);
  const tokens = { alice: addUser(db, "alice"), bob: addUser(db, "bob"), root: addUser(db, "root", { admin: true }) };
  db.close();
  const config = readActionConfig(
    { dataDir, relayDir, secret: ACTION_TEST_SECRET, listen: "127.0.0.1:0", runnerName: "local", pollMinMs: 20, pollMaxMs: 100, ...options.limits },
    { PATH: process.env.PATH },
  );
  const relay = new DirRelayStore(relayDir);
  const store = options.wrapStore ? options.wrapStore(relay) : relay;
  const start = () => startAction(config, { logger: silentLogger, store });
  let action = await start();
  t.after(() => action.stop());

  const harness: ActionHarness = {
    root,
    config,
    relay,
    tokens,
    get action() {
      return action;
    },
    get url() {
      return action.url;
    },
    async restart() {
      await action.stop();
      action = await start();
    },
    async api(token, path, init = {}) {
      const headers = new Headers(init.headers);
      if (token !== undefined) headers.set("Authorization", `Bearer ${token}`);
      const response = await fetch(`${action.url}${path}`, { ...init, headers });
      const text = await response.text();
      const isJson = response.headers.get("content-type")?.startsWith("application/json") ?? false;
      return { status: response.status, body: isJson ? (JSON.parse(text) as unknown) : text, headers: response.headers };
    },
    async waitForTask(id, check, token = tokens.alice) {
      let last: unknown;
      for (const deadline = Date.now() + WAIT_MS; Date.now() < deadline; ) {
        const { status, body } = await harness.api(token, `/api/tasks/${id}`);
        last = body;
        if (status === 200 && check(body as TaskView)) return body as TaskView;
        await sleep(25);
      }
      throw new Error(`task ${id} never reached the expected state; last seen ${JSON.stringify(last)}`);
    },
    async waitForTasks(check, token = tokens.alice) {
      let last: TaskView[] = [];
      for (const deadline = Date.now() + WAIT_MS; Date.now() < deadline; ) {
        const { body } = await harness.api(token, "/api/tasks");
        last = (body as { tasks: TaskView[] }).tasks;
        if (check(last)) return last;
        await sleep(25);
      }
      throw new Error(`the task list never reached the expected state; last seen ${JSON.stringify(last)}`);
    },
    gitUrl(owner, repo) {
      return `${action.url}/git/${owner}/${repo}.git`;
    },
  };
  return harness;
}

/** Every message in the runner's inbox, verified, oldest first (the inbox is left as it is). */
export async function readRunnerInbox(relay: DirRelayStore, runner = "local"): Promise<ToRunner[]> {
  const out: ToRunner[] = [];
  for (const key of await relay.list(inboxes.runner(runner))) {
    if (!key.endsWith(".json")) continue;
    out.push(openEnvelope((await relay.get(key))!, ACTION_TEST_SECRET, ToRunner).body);
  }
  return out;
}
