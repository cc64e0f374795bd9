import { randomBytes } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { BINS, binEnv, runBin } from "../../test/helpers/cli-bins.js";
import { startFakeGitea } from "../../test/helpers/forge/fake-gitea.js";
import type { FakeForge, FakeUser } from "../../test/helpers/forge/forge-types.js";
import { startListeningChild, type ListeningChild } from "./start-listening-child.js";

/** The fake Gitea (in this process) with alice/hw hooked to a real ailab-action (a child process) on a directory relay. */
export interface GiteaCourse {
  gitea: FakeForge;
  alice: FakeUser;
  action: ListeningChild;
  actionUrl: string;
  actionDataDir: string;
  stop(): Promise<void>;
}

/**
 * Starts the shipped bin, `dist/action/main.js serve --forge gitea`, as an
 * admin would, with the bot token and webhook secret in files, and hooks
 * alice/hw with `ailab-action forge hook`. The periodic reconcile is
 * pushed out of the bench's reach, so a lost delivery shows as a missing
 * task instead of being found again minutes later. No runner: a task
 * exists once its Submit is in the relay, which is what is measured.
 */
export async function startGiteaCourse(home: string): Promise<GiteaCourse> {
  const gitea = await startFakeGitea();
  try {
    const bot = gitea.addUser("ailab-bot", { admin: true });
    const alice = gitea.addUser("alice");
    gitea.addRepo("alice", "hw");
    const files = join(home, "etc");
    await mkdir(files, { mode: 0o700 });
    await writeFile(join(files, "bot-token"), `${bot.token}\n`, { mode: 0o600 });
    await writeFile(join(files, "webhook-secret"), `${randomBytes(24).toString("hex")}\n`, { mode: 0o600 });
    await writeFile(join(files, "relay-secret"), `${randomBytes(24).toString("hex")}\n`, { mode: 0o600 });
    const env = binEnv(home, { AILAB_SECRET_FILE: join(files, "relay-secret") });
    const forgeFlags = ["--forge", "gitea", "--forge-url", gitea.url, "--forge-token-file", join(files, "bot-token"), "--webhook-secret-file", join(files, "webhook-secret")];
    const actionDataDir = join(home, "action");
    const serve = ["serve", "--data-dir", actionDataDir, "--relay", join(home, "relay"), "--listen", "127.0.0.1:0", "--reconcile-ms", String(24 * 3600 * 1000), ...forgeFlags];
    const action = await startListeningChild(BINS.action, serve, env, /listening url="(http:\/\/[^"]+)"/);
    const actionUrl = action.address;
    const hook = await runBin(BINS.action, ["forge", "hook", "alice/hw", "--data-dir", actionDataDir, "--public-url", actionUrl, ...forgeFlags], { cwd: home, env });
    if (hook.exitCode !== 0) {
      await action.stop();
      throw new Error(`ailab-action forge hook failed: ${hook.stderr}`);
    }
    return {
      gitea,
      alice,
      action,
      actionUrl,
      actionDataDir,
      async stop() {
        await action.stop();
        await gitea.stop();
      },
    };
  } catch (error) {
    await gitea.stop();
    throw error;
  }
}
