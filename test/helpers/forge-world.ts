import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { randomBytes } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { TestContext } from "node:test";
import { packageRoot } from "../../core/package-root.js";
import { BINS, binEnv, runBin, type BinResult } from "./cli-bins.js";
import { startFakeGitea } from "./forge/fake-gitea.js";
import { startFakeGitHub } from "./forge/fake-github.js";
import type { FakeForge, FakeForgeOptions, FakeUser } from "./forge/forge-types.js";
import { startS3Server } from "./s3-server.js";
import { tempDir } from "./temp-dir.js";

const RUNNER = join(packageRoot(), "dist", "runner-agent", "main.js");

/** A course on a (fake) Gitea or GitHub: the bot, a student with a repository, ailab-action hooked to it, a runner. */
export interface ForgeWorld {
  kind: "gitea" | "github";
  /** The fake forge, Gitea unless the options say GitHub. */
  forge: FakeForge;
  /** The same as `forge` (the name the Gitea tests use). */
  gitea: FakeForge;
  bot: FakeUser;
  alice: FakeUser;
  home: string;
  env: Record<string, string>;
  actionUrl: string;
  actionDataDir: string;
  /** The webhook secret ailab-action checks deliveries against. */
  webhookSecret: string;
  actionLog(): string;
  /** ailab as alice (logged in with her Gitea token). */
  ailab(args: string[], cwd: string): Promise<BinResult>;
  /** A fresh clone-like project with `origin` on Gitea, committed, in a new folder. */
  makeProject(name: string, files: Record<string, string>): Promise<string>;
  /** Runs git (asynchronously: the fake Gitea answers in this same process). */
  git(cwd: string, args: string[]): Promise<string>;
  stopAction(): Promise<void>;
  startAction(): Promise<void>;
}

export interface ForgeWorldOptions {
  relay?: "dir" | "s3";
  forge?: FakeForgeOptions;
  /** ailab-action --reconcile-ms */
  reconcileMs?: number;
  /** Which fake forge (default gitea). */
  kind?: "gitea" | "github";
  /** Whether `ailab-action forge hook` hooks alice's repository (default true); false for the workflow way. */
  hook?: boolean;
}

/**
 * Starts the fake Gitea (or GitHub), ailab-action (`--forge gitea`, its bot
 * token and webhook secret from files) and ailab-runner as separate
 * processes, hooks alice's repository with `ailab-action forge hook` (unless
 * `hook: false`), and logs alice in with her forge token. Everything listens
 * on 127.0.0.1 and stops with the test.
 */
export async function startForgeWorld(t: TestContext, options: ForgeWorldOptions = {}): Promise<ForgeWorld> {
  const kind = options.kind ?? "gitea";
  const gitea = kind === "github" ? await startFakeGitHub(options.forge) : await startFakeGitea(options.forge);
  t.after(() => gitea.stop());
  const bot = gitea.addUser("ailab-bot", { admin: true });
  const alice = gitea.addUser("alice");
  gitea.addRepo("alice", "hw");

  const home = await tempDir(t, "ailab-forge-");
  const files = join(home, "etc");
  await mkdir(files, { mode: 0o700 });
  await writeFile(join(files, "bot-token"), `${bot.token}\n`, { mode: 0o600 });
  const webhookSecret = randomBytes(24).toString("hex");
  await writeFile(join(files, "webhook-secret"), `${webhookSecret}\n`, { mode: 0o600 });
  await writeFile(join(files, "relay-secret"), `${randomBytes(24).toString("hex")}\n`, { mode: 0o600 });

  let relay = join(home, "relay");
  const more: Record<string, string> = { AILAB_SECRET_FILE: join(files, "relay-secret"), AILAB_HEARTBEAT_MS: "500" };
  if (options.relay === "s3") {
    const s3 = await startS3Server();
    t.after(() => s3.stop());
    await s3.newStore("ailab-relay");
    relay = "s3://ailab-relay/course";
    Object.assign(more, { AILAB_S3_ENDPOINT: s3.url, AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test" });
  }
  const env = binEnv(home, more);
  const actionDataDir = join(home, "action");
  const forgeFlags = ["--forge", kind, "--forge-url", gitea.url, "--forge-token-file", join(files, "bot-token"), "--webhook-secret-file", join(files, "webhook-secret")];

  let action: { child: ChildProcess; stderr: () => string } | undefined;
  let log = "";
  let port = "0";
  const startAction = async () => {
    const args = ["serve", "--data-dir", actionDataDir, "--relay", relay, "--listen", `127.0.0.1:${port}`, ...forgeFlags];
    if (options.reconcileMs !== undefined) args.push("--reconcile-ms", String(options.reconcileMs));
    const from = log.length;
    action = startAgent(t, BINS.action, args, env, (text) => (log += text));
    // Only this start's line: after a restart the log holds the last one too.
    const url = await waitFor("the action's URL", () => /listening url="(http:\/\/[^"]+)"/.exec(log.slice(from))?.[1]);
    port = new URL(url).port;
  };
  await startAction();
  const actionUrl = `http://127.0.0.1:${port}`;
  startAgent(t, RUNNER, ["run", "--name", "local", "--data-dir", join(home, "runner"), "--relay", relay], env, () => {});

  if (options.hook !== false) {
    const hook = await runBin(BINS.action, ["forge", "hook", "alice/hw", "--data-dir", actionDataDir, "--public-url", actionUrl, ...forgeFlags], { cwd: home, env });
    assert.equal(hook.exitCode, 0, hook.stderr);
  }
  const login = await runBin(BINS.ailab, ["login", actionUrl], { cwd: home, env, input: alice.token });
  assert.equal(login.exitCode, 0, login.stderr);
  assert.match(login.stderr, new RegExp(`as alice \\(your ${kind} account`));

  const git = async (cwd: string, args: string[]) => {
    // As alice, the way a credential helper would answer for her.
    const auth = { GIT_CONFIG_COUNT: "1", GIT_CONFIG_KEY_0: "http.extraHeader", GIT_CONFIG_VALUE_0: `Authorization: Basic ${Buffer.from(`alice:${alice.token}`).toString("base64")}` };
    const child = spawn("git", args, { cwd, env: { ...env, ...auth }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const [code] = (await once(child, "close")) as [number | null];
    assert.equal(code, 0, `git ${args.join(" ")}: ${err}`);
    return out.trim();
  };
  return {
    kind,
    forge: gitea,
    gitea,
    bot,
    alice,
    home,
    env,
    actionUrl,
    actionDataDir,
    webhookSecret,
    actionLog: () => log,
    ailab: (args, cwd) => runBin(BINS.ailab, args, { cwd, env }),
    async makeProject(name, projectFiles) {
      const dir = join(home, name);
      for (const [path, text] of Object.entries(projectFiles)) {
        await mkdir(join(dir, path, ".."), { recursive: true });
        await writeFile(join(dir, path), text);
      }
      await git(dir, ["init", "-q", "-b", "main"]);
      await git(dir, ["remote", "add", "origin", `${gitea.url}alice/hw.git`]);
      await git(dir, ["add", "-A"]);
      await git(dir, ["commit", "-q", "-m", name]);
      return dir;
    },
    git,
    async stopAction() {
      if (!action) return;
      const exited = once(action.child, "exit");
      action.child.kill("SIGTERM");
      await exited;
      action = undefined;
    },
    startAction,
  };
}

function startAgent(t: TestContext, script: string, args: string[], env: Record<string, string>, onStderr: (text: string) => void): { child: ChildProcess; stderr: () => string } {
  const child = spawn(process.execPath, [script, ...args], { env, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => {
    stderr += d.toString();
    onStderr(d.toString());
  });
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      await exited;
    }
  });
  return { child, stderr: () => stderr };
}

/** Polls until `read` gives a value (every 100 ms, up to `timeoutMs`). */
export async function waitFor<T>(what: string, read: () => T | undefined | Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
