import { execFile, spawnSync } from "node:child_process";

// The fake forge's git side: real bare repositories, read and written with
// the git command line (argument arrays, never shell strings).

export interface CommitPerson {
  name: string;
  email: string;
  /** RFC 3339 with the commit's own offset, as both forges render it. */
  date: string;
}

export interface CommitInfo {
  id: string;
  tree: string;
  message: string;
  author: CommitPerson;
  committer: CommitPerson;
  added: string[];
  removed: string[];
  modified: string[];
}

/** A clean environment for the server's own git calls: no user config, never a prompt. */
export function serverGitEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith("GIT_")) env[key] = value;
  return { ...env, GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null", GIT_TERMINAL_PROMPT: "0", LC_ALL: "C" };
}

/** `git init --bare` with pushes over HTTP allowed (http-backend refuses them otherwise). */
export function initBareRepo(dir: string, defaultBranch: string): void {
  const env = serverGitEnv();
  for (const args of [
    ["init", "--quiet", "--bare", `--initial-branch=${defaultBranch}`, dir],
    ["--git-dir", dir, "config", "http.receivepack", "true"],
  ]) {
    const result = spawnSync("git", args, { env, encoding: "utf8" });
    if (result.status !== 0) throw new Error(`git ${args.join(" ")} failed: ${result.stderr}`);
  }
}

/** Runs git on a bare repo; resolves with stdout, rejects on a non-zero exit. */
export function gitIn(dir: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile("git", ["--git-dir", dir, ...args], { env: serverGitEnv(), maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`git ${args.join(" ")} failed: ${stderr || error.message}`));
      else resolve(stdout);
    });
  });
}

/** Every ref and the object it points at. */
export async function readRefs(dir: string): Promise<Map<string, string>> {
  const out = await gitIn(dir, ["for-each-ref", "--format=%(objectname) %(refname)"]);
  const refs = new Map<string, string>();
  for (const line of out.split("\n")) {
    const space = line.indexOf(" ");
    if (space > 0) refs.set(line.slice(space + 1), line.slice(0, space));
  }
  return refs;
}

/** The commit a revision names (tags peeled), or undefined when there is none. */
export async function resolveCommit(dir: string, rev: string): Promise<string | undefined> {
  try {
    return (await gitIn(dir, ["rev-parse", "--verify", "--quiet", "--end-of-options", `${rev}^{commit}`])).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Commit ids newest first, as `git rev-list` gives them. */
export async function revList(dir: string, range: readonly string[], max?: number): Promise<string[]> {
  const limit = max === undefined ? [] : [`--max-count=${max}`];
  const out = await gitIn(dir, ["rev-list", ...limit, ...range, "--"]);
  return out.split("\n").filter(Boolean);
}

/** True when `ancestor` is reachable from `commit` (a push that is not forced). */
export async function isAncestor(dir: string, ancestor: string, commit: string): Promise<boolean> {
  try {
    await gitIn(dir, ["merge-base", "--is-ancestor", ancestor, commit]);
    return true;
  } catch {
    return false;
  }
}

/** A lightweight tag, as Gitea makes for a release whose tag is missing. */
export async function createTag(dir: string, tag: string, sha: string): Promise<void> {
  await gitIn(dir, ["update-ref", `refs/tags/${tag}`, sha, ""]);
}

const FIELD = "%x00";
export async function readCommit(dir: string, sha: string): Promise<CommitInfo> {
  const format = ["%H", "%T", "%an", "%ae", "%aI", "%cn", "%ce", "%cI", "%B"].join(FIELD);
  const [head, files] = await Promise.all([
    gitIn(dir, ["show", "-s", `--format=${format}`, sha]),
    gitIn(dir, ["diff-tree", "-r", "--root", "--no-commit-id", "--no-renames", "--name-status", "-z", sha]),
  ]);
  const [id = sha, tree = "", an = "", ae = "", ad = "", cn = "", ce = "", cd = "", ...rest] = head.split("\0");
  // `git show -s` adds one newline after %B; the message keeps its own.
  const message = rest.join("\0").replace(/\n+$/, "");
  const info: CommitInfo = {
    id,
    tree,
    message,
    author: { name: an, email: ae, date: ad },
    committer: { name: cn, email: ce, date: cd },
    added: [],
    removed: [],
    modified: [],
  };
  const parts = files.split("\0").filter(Boolean);
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const path = parts[i + 1] ?? "";
    if (parts[i] === "A") info.added.push(path);
    else if (parts[i] === "D") info.removed.push(path);
    else info.modified.push(path);
  }
  return info;
}
