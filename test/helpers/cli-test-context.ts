import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { TestContext } from "node:test";
import { createApiClient } from "../../cli/api-client.js";
import type { CliContext } from "../../cli/cli-context.js";
import { configDir, fileConfigStore } from "../../cli/config-store.js";
import { networkEnv } from "../../core/config/network-env.js";
import { runProcess } from "../../cli/run-process.js";
import { tempDir } from "./temp-dir.js";

/** A CliContext writing into strings, in a temporary home, for running commands in-process. */
export interface CliTestContext {
  ctx: CliContext;
  /** The temporary home (HOME, XDG_CONFIG_HOME=<home>/.config). */
  home: string;
  /** A fresh work folder inside home: the command's cwd. */
  work: string;
  stdout: () => string;
  stderr: () => string;
  /** Aborts the context's stop signal, as SIGINT would. */
  stop: () => void;
}

/**
 * Builds a context for one test: real git and processes, the config under a
 * temporary XDG_CONFIG_HOME, git identity and dates fixed, `stdin` as piped
 * text (not a TTY).
 */
export async function cliTestContext(t: TestContext, options: { stdin?: string; env?: Record<string, string> } = {}): Promise<CliTestContext> {
  const home = await tempDir(t, "ailab-cli-");
  const work = join(home, "work");
  await mkdir(work);
  let out = "";
  let err = "";
  const controller = new AbortController();
  const env: Record<string, string | undefined> = {
    ...networkEnv(process.env),
    PATH: process.env.PATH,
    HOME: home,
    XDG_CONFIG_HOME: join(home, ".config"),
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_AUTHOR_NAME: "Student",
    GIT_AUTHOR_EMAIL: "student@example.org",
    GIT_COMMITTER_NAME: "Student",
    GIT_COMMITTER_EMAIL: "student@example.org",
    GIT_AUTHOR_DATE: "2024-01-01T00:00:00Z",
    GIT_COMMITTER_DATE: "2024-01-01T00:00:00Z",
    ...options.env,
  };
  const ctx: CliContext = {
    cwd: work,
    env,
    stdout: { write: (text) => void (out += text) },
    stderr: { write: (text) => void (err += text) },
    stdin: {
      isTTY: false,
      readAll: () => Promise.resolve(options.stdin ?? ""),
      prompt: () => Promise.reject(new Error("no terminal in tests")),
    },
    config: fileConfigStore(configDir(env)),
    connect: (url, token) => createApiClient(url, token),
    run: runProcess,
    stopSignal: () => controller.signal,
    pollMs: 50,
  };
  return { ctx, home, work, stdout: () => out, stderr: () => err, stop: () => controller.abort() };
}
