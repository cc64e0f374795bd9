import { spawn } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";

/** What a git command left. */
export interface GitResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * Git for tests: fixed author and committer (names and dates) so commit ids
 * are exact, no user or system config, never a prompt. `token` is sent as
 * HTTP Basic through `http.extraHeader`, as the CLI does.
 */
export function gitEnv(home: string, token?: string): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: home,
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_TERMINAL_PROMPT: "0",
    GIT_AUTHOR_NAME: "Alice Student",
    GIT_AUTHOR_EMAIL: "alice@example.org",
    GIT_AUTHOR_DATE: "2024-01-02T03:04:05Z",
    GIT_COMMITTER_NAME: "Alice Student",
    GIT_COMMITTER_EMAIL: "alice@example.org",
    GIT_COMMITTER_DATE: "2024-01-02T03:04:05Z",
    LC_ALL: "C",
  };
  if (token !== undefined) {
    env.GIT_CONFIG_COUNT = "1";
    env.GIT_CONFIG_KEY_0 = "http.extraHeader";
    env.GIT_CONFIG_VALUE_0 = `Authorization: Basic ${Buffer.from(`x:${token}`).toString("base64")}`;
  }
  return env;
}

/** Runs git in `cwd`; never throws for a non-zero exit (tests assert on it). */
export function runGit(cwd: string, args: readonly string[], env: Record<string, string>): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = spawn("git", [...args], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("error", reject);
    child.on("close", (code) =>
      resolve({ exitCode: code ?? 1, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") }),
    );
  });
}

/** Like runGit, but a non-zero exit throws with git's stderr. */
export async function git(cwd: string, args: readonly string[], env: Record<string, string>): Promise<string> {
  const result = await runGit(cwd, args, env);
  if (result.exitCode !== 0) throw new Error(`git ${args.join(" ")} failed (${result.exitCode}): ${result.stderr}`);
  return result.stdout.trim();
}

/** Writes files (path → text) under `dir`, creating folders. */
export async function writeFiles(dir: string, files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
}

/** `git init` a project folder with `files` committed on main; returns the commit id. */
export async function makeProject(dir: string, files: Record<string, string>, env: Record<string, string>): Promise<string> {
  await mkdir(dir, { recursive: true });
  await git(dir, ["init", "--quiet", "--initial-branch=main"], env);
  await writeFiles(dir, files);
  return commitAll(dir, "project", env);
}

/** Stages everything and commits; returns the commit id. */
export async function commitAll(dir: string, message: string, env: Record<string, string>): Promise<string> {
  await git(dir, ["add", "-A"], env);
  await git(dir, ["commit", "--quiet", "-m", message], env);
  return git(dir, ["rev-parse", "HEAD"], env);
}

/** A valid task.toml and the files it names (their content need not resolve). */
export function sampleProject(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    "task.toml": [
      "[task]",
      'description = "a tiny training run"',
      "",
      "[resources]",
      "gpus = 0",
      "cpus = 1",
      'memory = "1G"',
      'time_limit = "0:10:00"',
      "",
      "[run]",
      'command = "python train.py"',
      'results = ["output"]',
      "",
    ].join("\n"),
    "pyproject.toml": '[project]\nname = "tiny"\nversion = "0.1.0"\nrequires-python = ">=3.10"\ndependencies = []\n',
    // What `uv lock` writes for this pyproject (no dependencies, so no packages but the project).
    "uv.lock": 'version = 1\nrevision = 5\nrequires-python = ">=3.10"\n\n[[package]]\nname = "tiny"\nversion = "0.1.0"\nsource = { virtual = "." }\n',
    "train.py": 'print("training")\n',
    "configs/base.yaml": "lr: 0.1\n",
    ...overrides,
  };
}
