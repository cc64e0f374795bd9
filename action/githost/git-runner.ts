import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { AilabError } from "../../core/errors.js";
import { lockFileInError, removeIfStale } from "./stale-git-lock.js";

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
    super("GitFailed", `git ${args[0] ?? ""} exited with ${result.exitCode}: ${gitComplaint(result.stderr)}`, {
      args: [...args],
      exitCode: result.exitCode,
    });
  }
}

/**
 * The line of git's stderr that says what went wrong: its first `fatal:` or
 * `error:` line (the last line is often advice, such as "remove the file
 * manually to continue", which would hide the path), else the last line.
 */
function gitComplaint(stderr: string): string {
  const lines = stderr.trim().split("\n");
  return lines.find((l) => /^(fatal|error):/.test(l)) ?? lines.pop() ?? "";
}

/** The repository a command names with `--git-dir DIR` or `--git-dir=DIR`. */
function gitDirOf(args: readonly string[]): string | undefined {
  const at = args.indexOf("--git-dir");
  if (at >= 0) return args[at + 1];
  return args.find((a) => a.startsWith("--git-dir="))?.slice("--git-dir=".length);
}

export interface GitRunnerOptions {
  searchPath?: string;
  home: string;
  networkEnv?: Record<string, string>;
  /**
   * Told of a stale lock file (left by a git that crashed) that was removed
   * before the command was run again; without it such a lock is only reported.
   */
  onStaleLock?: (path: string) => void;
  now?: () => number;
}

export function createGitRunner(options: GitRunnerOptions): GitRunner {
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

  const runOnce = (args: readonly string[], env: Record<string, string>) =>
    new Promise<ProcessResult>((resolve, reject) => {
      const child = start(args, env);
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on("data", (b: Buffer) => out.push(b));
      child.stderr.on("data", (b: Buffer) => err.push(b));
      child.stdin.end();
      child.on("error", reject);
      child.on("close", (code) => {
        resolve({ exitCode: code ?? 1, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") });
      });
    });

  return {
    spawn: start,
    async run(args, runOptions = {}) {
      let result = await runOnce(args, runOptions.env ?? {});
      // A lock left by a crashed git would fail every later write to this
      // repository until removed by hand: clear it once, if it is stale.
      const lock = result.exitCode !== 0 ? lockFileInError(result.stderr) : undefined;
      const gitDir = gitDirOf(args);
      if (lock !== undefined && gitDir !== undefined && options.onStaleLock && removeIfStale(lock, gitDir, (options.now ?? Date.now)())) {
        options.onStaleLock(lock);
        result = await runOnce(args, runOptions.env ?? {});
      }
      if (result.exitCode !== 0 && !runOptions.allowFailure) throw new GitError(args, result);
      return result;
    },
  };
}
