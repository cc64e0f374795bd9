import { spawn } from "node:child_process";
import { once } from "node:events";
import { randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { TestContext } from "node:test";
import { packageRoot } from "../../core/package-root.js";
import { createForgeClient } from "../../action/forge/remote/forge-client.js";
import type { ForgeWorld } from "./forge-world.js";
import type { FakeUser } from "./forge/forge-types.js";
import { startWebhookReceiver, type WebhookReceiver } from "./forge/webhook-receiver.js";

/** The workflow action's entry point as committed: what `runs.main` in action/action.yml names. */
export const WORKFLOW_SUBMIT = join(packageRoot(), "action", "workflow", "submit.mjs");

export interface StepResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The push events an Actions run would get: Gitea and GitHub hand a
 * workflow the same push payload their webhooks carry, so a hook of the
 * owner's own (not ailab-action's) on a little receiver records it.
 */
export async function recordPushEvents(t: TestContext, world: ForgeWorld, owner: FakeUser, repo: string): Promise<WebhookReceiver> {
  const receiver = await startWebhookReceiver();
  t.after(() => receiver.stop());
  const client = createForgeClient({
    kind: world.kind,
    url: world.forge.url,
    apiUrl: world.forge.apiUrl,
    uploadsUrl: world.forge.uploadUrl,
    token: owner.token,
    webhookSecret: "unused",
    maxAssetBytes: 1,
  });
  await client.createHook({ repo }, receiver.url, randomBytes(16).toString("hex"));
  return receiver;
}

export interface StepOptions {
  /** The push event's JSON, as the runner writes it to GITHUB_EVENT_PATH. */
  event: string;
  secret: string;
  /** The job token; absent: the input is empty. */
  token?: string;
  server: string;
  /** GITHUB_* values that differ from what the event says. */
  env?: Record<string, string>;
}

/**
 * Runs the committed script with `node`, the way an Actions runner runs a
 * `using: node20` action: inputs as INPUT_<NAME>, the GITHUB_* variables
 * Gitea and GitHub set for a push, the event in a file. Nothing of the
 * test's own environment but PATH.
 */
export async function runWorkflowStep(world: ForgeWorld, options: StepOptions): Promise<StepResult> {
  const event = JSON.parse(options.event) as { ref: string; after: string; repository: { full_name: string }; pusher?: { login?: string; name?: string } };
  const eventPath = join(world.home, `event-${randomBytes(4).toString("hex")}.json`);
  await writeFile(eventPath, options.event);
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: world.home,
    CI: "true",
    GITHUB_ACTIONS: "true",
    GITHUB_EVENT_NAME: "push",
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REPOSITORY: event.repository.full_name,
    GITHUB_REF: event.ref,
    GITHUB_SHA: event.after,
    GITHUB_ACTOR: event.pusher?.login ?? event.pusher?.name ?? "",
    GITHUB_SERVER_URL: world.forge.url.replace(/\/$/, ""),
    GITHUB_API_URL: world.forge.apiUrl,
    GITHUB_RUN_ID: String(Date.now()),
    GITHUB_RUN_ATTEMPT: "1",
    GITHUB_WORKSPACE: world.home,
    INPUT_SERVER: options.server,
    INPUT_SECRET: options.secret,
    INPUT_TOKEN: options.token ?? "",
    ...options.env,
  };
  const child = spawn(process.execPath, [WORKFLOW_SUBMIT], { cwd: world.home, env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const [exitCode] = (await once(child, "close")) as [number | null];
  return { exitCode, stdout, stderr };
}
