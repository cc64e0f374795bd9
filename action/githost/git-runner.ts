import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { AilabError } from "../../core/errors.js";

/** What a finished process left, as actions/toolkit's getExecOutput gives it. */
export interface ProcessResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `git` with an argument array (never a shell string) in an environment
 * of our own: from outside only PATH and the network settings (CA bundles,
 * proxies), no system or global git config, so the host's settings cannot
 * change what the built-in git host does.
 */
export interface GitRunner {
  /** Runs git to the end; a non-zero exit throws GitError unless `allowFailure`. */
  run(args: readonly string[], options?: { env?: Record<string, string>; allowFailure?: boolean }): Promise<ProcessResult>;
  /** Starts git with piped stdio, for streaming (git http-backend). */
  spawn(args: readonly string[], env: Record<string, string>): ChildProcessWithoutNullStreams;
}

/** git exited with a non-zero status. code "GitFailed". */
export class GitError extends AilabError {
  constructor(args: readonly string[], result: ProcessResult) {
    super("GitFailed", `git ${args[0] ?? ""} exited with ${result.exitCode}: ${result.stderr.trim().split("\n").pop() ?? ""}`, {
      args: [...args],
      exitCode: result.exitCode,
    });
  }
}

export function createGitRunner(options: { searchPath?: string; home: string; networkEnv?: Record<string, string> }): GitRunner {
  const base: Record<string, string> = {
    ...options.networkEnv,
    PATH: options.searchPath ?? "/usr/local/bin:/usr/bin:/bin",
    HOME: options.home,
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_TERMINAL_PROMPT: "0",
    LC_ALL: "C",
  };
  const start = (args: readonly string[], env: Record<string, string>) =>
    spawn("git", [...args], { env: { ...base, ...env }, stdio: ["pipe", "pipe", "pipe"] });

  return {
    spawn: start,
    run: (args, runOptions = {}) =>
      new Promise((resolve, reject) => {
        const child = start(args, runOptions.env ?? {});
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        child.stdout.on("data", (b: Buffer) => out.push(b));
        child.stderr.on("data", (b: Buffer) => err.push(b));
        child.stdin.end();
        child.on("error", reject);
        child.on("close", (code) => {
          const result = { exitCode: code ?? 1, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") };
          if (result.exitCode !== 0 && !runOptions.allowFailure) reject(new GitError(args, result));
          else resolve(result);
        });
      }),
  };
}
