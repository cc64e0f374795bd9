import { basename } from "node:path";
import { UsageError } from "./cli-errors.js";
import type { StoredLogin } from "./config-store.js";
import type { GitRepo } from "./git-repo.js";

/** Where `ailab submit` pushes, and which repository the server will file the task under. */
export interface PushTarget {
  /** The git URL pushed to (never holds the token). */
  gitUrl: string;
  /** "owner/name", as the API's `repo` filter expects. */
  repo: string;
  /** True when the URL is on the logged-in server, so the token may be sent. */
  sameServer: boolean;
}

const GIT_PATH = /\/git\/([^/]+)\/([^/]+?)(?:\.git)?\/?$/;

/**
 * The repository to push to. With a forge behind the server: the remote
 * named `ailab`, else `origin` — the repository on the forge, whose webhook
 * tells the server. With the built-in git host: the remote named `ailab` when the repository has
 * one, else `<url>/git/<user>/<folder name>.git` on the logged-in server.
 */
export async function resolvePushTarget(repo: GitRepo, login: StoredLogin): Promise<PushTarget> {
  if (login.forge) return forgePushTarget(repo, login.forge.url);
  const remote = await repo.remoteUrl("ailab");
  if (remote !== undefined) {
    const match = GIT_PATH.exec(urlPath(remote));
    if (!match) {
      throw new UsageError("BadRemote", `the remote "ailab" (${remote}) is not an ailab git URL such as ${login.url}/git/${login.user}/NAME.git`);
    }
    return { gitUrl: remote, repo: `${match[1]}/${match[2]}`, sameServer: sameOrigin(remote, login.url) };
  }
  const name = repoNameFromFolder(basename(repo.topLevel));
  return { gitUrl: `${login.url.replace(/\/+$/, "")}/git/${login.user}/${name}.git`, repo: `${login.user}/${name}`, sameServer: true };
}

/**
 * A repository name made from a folder name: characters other than letters,
 * digits, `.`, `_` and `-` become `-`; no leading dot; no `.git` ending.
 */
export function repoNameFromFolder(folder: string): string {
  const name = folder
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .replace(/^[^A-Za-z0-9]+/, "")
    .replace(/\.git$/, "")
    .slice(0, 100);
  if (name === "") throw new UsageError("BadRepoName", `cannot make a repository name from the folder name ${JSON.stringify(folder)}; add a remote named "ailab"`);
  return name;
}

/**
 * The environment that lets git authenticate without the token ever being on
 * a command line or in .git/config: one `http.extraHeader` passed through
 * GIT_CONFIG_COUNT/KEY/VALUE (appended after any the user already set), and
 * no terminal prompt.
 */
export function gitAuthEnv(env: Record<string, string | undefined>, login: StoredLogin): Record<string, string | undefined> {
  const existing = Number(env.GIT_CONFIG_COUNT ?? "0");
  const index = Number.isInteger(existing) && existing > 0 ? existing : 0;
  const basic = Buffer.from(`${login.user}:${login.token}`).toString("base64");
  return {
    ...env,
    GIT_CONFIG_COUNT: String(index + 1),
    [`GIT_CONFIG_KEY_${index}`]: "http.extraHeader",
    [`GIT_CONFIG_VALUE_${index}`]: `Authorization: Basic ${basic}`,
    GIT_TERMINAL_PROMPT: "0",
  };
}

function urlPath(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url; // scp-like or local paths: matched as they are
  }
}

function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}

const FORGE_PATH = /[:/]([^/:]+)\/([^/]+?)(?:\.git)?\/?$/;

async function forgePushTarget(repo: GitRepo, forgeUrl: string): Promise<PushTarget> {
  const name = (await repo.remoteUrl("ailab")) !== undefined ? "ailab" : "origin";
  const remote = await repo.remoteUrl(name);
  if (remote === undefined) {
    throw new UsageError("NoRemote", `this repository has no remote "origin" on ${forgeUrl}; add one: git remote add origin ${forgeUrl}OWNER/REPO.git`);
  }
  const match = FORGE_PATH.exec(urlPath(remote));
  if (!match) throw new UsageError("BadRemote", `the remote "${name}" (${remote}) does not name a repository as OWNER/REPO`);
  // The token is sent only to the forge itself; an SSH remote uses the student's own keys.
  return { gitUrl: remote, repo: `${match[1]!.toLowerCase()}/${match[2]!}`, sameServer: sameOrigin(remote, forgeUrl) };
}
