import type { CliContext } from "./cli-context.js";
import { UsageError } from "./cli-errors.js";
import type { ProcessResult } from "./run-process.js";

/**
 * Read-only questions to the git repository the user is in, answered by the
 * real `git` (the student's own git, with their config).
 */
export interface GitRepo {
  /** The repository's top-level folder. */
  readonly topLevel: string;
  /** The checked-out branch, or undefined on a detached HEAD. */
  currentBranch(): Promise<string | undefined>;
  /** The full hash of HEAD; UsageError "NoCommits" before the first commit. */
  headCommit(): Promise<string>;
  /** A remote's URL, or undefined when there is no such remote. */
  remoteUrl(name: string): Promise<string | undefined>;
  /** A file's text at HEAD, or undefined when HEAD has no such file. */
  fileAtHead(path: string): Promise<string | undefined>;
  /** True when the work tree or the index differ from HEAD. */
  hasUncommittedChanges(): Promise<boolean>;
  /** The full hash a revision (commit prefix, branch) names, or undefined. */
  tryResolveCommit(revision: string): Promise<string | undefined>;
}

/** Runs `git` in `cwd` with the context's environment. */
export async function git(ctx: CliContext, cwd: string, args: string[], env: Record<string, string | undefined> = ctx.env): Promise<ProcessResult> {
  try {
    return await ctx.run(["git", ...args], { cwd, env });
  } catch {
    throw new UsageError("GitMissing", "git is not installed or not on PATH; install git (e.g. `apt-get install git`)");
  }
}

/** The repository holding `dir`, or undefined when `dir` is not inside one. */
export async function tryOpenGitRepo(ctx: CliContext, dir: string): Promise<GitRepo | undefined> {
  const top = await git(ctx, dir, ["rev-parse", "--show-toplevel"]);
  if (top.exitCode !== 0) return undefined;
  const topLevel = top.stdout.trim();
  const run = (args: string[]) => git(ctx, topLevel, args);
  return {
    topLevel,
    async currentBranch() {
      const r = await run(["symbolic-ref", "--quiet", "--short", "HEAD"]);
      return r.exitCode === 0 ? r.stdout.trim() : undefined;
    },
    async headCommit() {
      const r = await run(["rev-parse", "--verify", "--quiet", "HEAD^{commit}"]);
      if (r.exitCode !== 0) throw new UsageError("NoCommits", `${topLevel} has no commit yet: commit your project first (git add -A && git commit)`);
      return r.stdout.trim();
    },
    async remoteUrl(name) {
      const r = await run(["remote", "get-url", name]);
      return r.exitCode === 0 ? r.stdout.trim() : undefined;
    },
    async fileAtHead(path) {
      const r = await run(["cat-file", "blob", `HEAD:${path}`]);
      return r.exitCode === 0 ? r.stdout : undefined;
    },
    async hasUncommittedChanges() {
      const r = await run(["status", "--porcelain", "--untracked-files=no"]);
      return r.exitCode === 0 && r.stdout.trim() !== "";
    },
    async tryResolveCommit(revision) {
      if (revision.startsWith("-")) return undefined;
      const r = await run(["rev-parse", "--verify", "--quiet", `${revision}^{commit}`]);
      return r.exitCode === 0 ? r.stdout.trim() : undefined;
    },
  };
}

/** The repository holding `dir`; UsageError "NotAGitRepo" when there is none. */
export async function openGitRepo(ctx: CliContext, dir: string): Promise<GitRepo> {
  const repo = await tryOpenGitRepo(ctx, dir);
  if (!repo) {
    throw new UsageError("NotAGitRepo", `${dir} is not in a git repository: run \`git init\` and commit your project first`, { dir });
  }
  return repo;
}
