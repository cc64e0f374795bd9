import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { homedir } from "node:os";
import { join } from "node:path";
import type { TestContext } from "node:test";
import { networkEnv } from "../../core/config/network-env.js";
import { packageRoot } from "../../core/package-root.js";

export interface BinResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/** The compiled entry points, as `npm run build` leaves them. */
export const BINS = {
  ailab: join(packageRoot(), "dist", "cli", "main.js"),
  action: join(packageRoot(), "dist", "action", "main.js"),
};

/**
 * An environment for the programs a test starts: a private HOME and config
 * folder, fast polling, fixed git identity, the user's uv cache shared so
 * that wheels are not downloaded again for every test, and the machine's CA
 * bundles, proxies and UV_* settings (without them uv cannot download
 * through a network that re-signs TLS).
 */
export function binEnv(home: string, more: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {
    ...networkEnv(process.env),
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: home,
    XDG_CONFIG_HOME: join(home, ".config"),
    UV_CACHE_DIR: process.env.UV_CACHE_DIR ?? join(homedir(), ".cache", "uv"),
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_AUTHOR_NAME: "Student",
    GIT_AUTHOR_EMAIL: "student@example.org",
    GIT_COMMITTER_NAME: "Student",
    GIT_COMMITTER_EMAIL: "student@example.org",
    AILAB_POLL_MS: "200",
    AILAB_POLL_MIN_MS: "100",
    AILAB_POLL_MAX_MS: "500",
    AILAB_PROGRESS_INTERVAL_MS: "500",
    ...more,
  };
  return env;
}

/** Runs a node script (a bin) to completion with argv, never a shell string. */
export async function runBin(script: string, args: string[], options: { cwd: string; env: Record<string, string>; input?: string }): Promise<BinResult> {
  const child = spawn(process.execPath, [script, ...args], { cwd: options.cwd, env: options.env, stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  child.stdin.end(options.input ?? "");
  const [exitCode] = (await once(child, "close")) as [number | null];
  return { exitCode, stdout, stderr };
}

/** A running `ailab up`: its URL, what it printed, and how to stop it (SIGTERM, then its exit code). */
export interface RunningUp {
  url: string;
  child: ChildProcess;
  stderr(): string;
  stop(): Promise<number | null>;
}

/**
 * Starts `ailab up --dir <dir> --port 0` and waits for it to print its URL.
 * Stopped when the test ends if the test has not stopped it.
 */
export async function startAilabUp(t: TestContext, dir: string, options: { cwd: string; env: Record<string, string> }): Promise<RunningUp> {
  const child = spawn(process.execPath, [BINS.ailab, "up", "--dir", dir, "--port", "0"], { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stdout.on("data", () => {});
  const exited = once(child, "exit").then(([code]) => code as number | null);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`ailab up printed no URL in 60 s:\n${stderr}`)), 60_000);
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
      const match = /ailab is up at (http:\/\/\S+)/.exec(stderr);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`ailab up exited with ${code}:\n${stderr}`));
    });
  });
  let stopped: Promise<number | null> | undefined;
  const stop = () => {
    if (!stopped) {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      stopped = exited;
    }
    return stopped;
  };
  t.after(async () => {
    await stop();
  });
  return { url, child, stderr: () => stderr, stop };
}
