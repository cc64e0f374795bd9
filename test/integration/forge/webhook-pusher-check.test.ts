import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import type { ActionContext } from "../../../action/action-context.js";
import { openActionDb } from "../../../action/action-db.js";
import type { RemoteForgeConfig } from "../../../action/forge/forge-config.js";
import { createForgeAccounts } from "../../../action/forge/remote/forge-accounts.js";
import { createForgeClient } from "../../../action/forge/remote/forge-client.js";
import { countPendingDeliveries } from "../../../action/forge/webhook/delivery-store.js";
import { serveWebhook } from "../../../action/forge/webhook/serve-webhook.js";
import { systemClock } from "../../../core/clock.js";
import { silentLogger } from "../../../core/logger.js";
import { startFakeGitea } from "../../helpers/forge/fake-gitea.js";
import { tempDir } from "../../helpers/temp-dir.js";

// Whoever holds the webhook secret (with the workflow action: every workflow
// of the repository) can sign a delivery naming any pusher. The endpoint,
// in-process, with the real forge accounts asking the fake Gitea as the bot:
// only a pusher with write access gets a delivery recorded.

const SECRET = "webhook-secret-for-tests-0123";

test("a signed delivery is recorded only when the forge says its pusher may push; 403 otherwise, 503 when the forge cannot say", async (t) => {
  const gitea = await startFakeGitea();
  t.after(() => gitea.stop());
  const bot = gitea.addUser("ailab-bot", { admin: true });
  for (const login of ["alice", "carol", "bob", "mallory"]) gitea.addUser(login);
  gitea.addRepo("alice", "hw", { private: true });
  gitea.setPermission("alice", "hw", "carol", "write");
  gitea.setPermission("alice", "hw", "bob", "read");

  const config: RemoteForgeConfig = { kind: "gitea", url: gitea.url, apiUrl: gitea.apiUrl, uploadsUrl: gitea.apiUrl, token: bot.token, webhookSecret: SECRET, maxAssetBytes: 1 };
  const db = openActionDb(await tempDir(t, "ailab-webhook-"));
  t.after(() => db.close());
  const accounts = createForgeAccounts({ db, client: createForgeClient(config), now: () => systemClock.now() });
  // The handler reads only these of the context.
  const ctx = { db, accounts, log: silentLogger, clock: systemClock } as Partial<ActionContext> as ActionContext;
  const server = createServer((req, res) => void serveWebhook(ctx, config, req, res, () => {}));
  server.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  t.after(() => new Promise((resolve) => server.close(resolve)));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/forge/webhook`;

  const deliver = async (pusher: string, branch: string) => {
    const body = JSON.stringify({ ref: `refs/heads/ailab/${branch}`, before: "0".repeat(40), after: "b".repeat(40), repository: { full_name: "alice/hw" }, pusher: { login: pusher }, sender: { login: pusher } });
    const response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-GitHub-Event": "push", "X-GitHub-Delivery": branch, "X-Hub-Signature-256": `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}` },
      body,
    });
    const answer = (await response.json()) as { error?: { code: string } };
    return [response.status, answer.error?.code ?? "accepted"];
  };

  assert.deepEqual(await deliver("alice", "a"), [202, "accepted"], "the owner");
  assert.deepEqual(await deliver("carol", "c"), [202, "accepted"], "a collaborator with write access");
  assert.deepEqual(await deliver("bob", "b"), [403, "PusherCannotWrite"], "read access is not enough");
  assert.deepEqual(await deliver("mallory", "m"), [403, "PusherCannotWrite"], "no access to the private repository");
  assert.deepEqual(await deliver("nobody-of-that-name", "n"), [403, "PusherCannotWrite"], "no such forge user");
  gitea.setDown(true);
  assert.deepEqual(await deliver("dave", "d"), [503, "ForgeUnavailable"], "the forge cannot answer");
  gitea.setDown(false);
  assert.equal(countPendingDeliveries(db), 2, "only the owner's and the writer's deliveries were recorded");
  assert.equal(gitea.violations.length, 0, gitea.violations.join("\n"));
});
