import { mkdir, readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { errnoCode } from "../../core/errors.js";
import { isRepoName, type RepoName } from "../users/names.js";
import type { GitRunner } from "./git-runner.js";

/**
 * The bare repositories of the built-in git host: `<root>/<owner>/<name>.git`.
 * Only checked names ever become paths.
 */
export class Repositories {
  constructor(
    readonly root: string,
    private readonly git: GitRunner,
  ) {}

  /** The repository's git directory. Throws on a name that did not pass `isRepoName`. */
  gitDir(repo: RepoName): string {
    if (!isRepoName(repo)) throw new Error(`refusing unchecked repository name ${JSON.stringify(repo)}`);
    return join(this.root, repo.owner, `${repo.name}.git`);
  }

  async exists(repo: RepoName): Promise<boolean> {
    return isFile(join(this.gitDir(repo), "HEAD"));
  }

  /** `git init --bare` (push-to-create). Creating one that exists is harmless. */
  async create(repo: RepoName): Promise<void> {
    const dir = this.gitDir(repo);
    await mkdir(dir, { recursive: true });
    await this.git.run(["init", "--quiet", "--bare", "--initial-branch=main", dir]);
  }

  /** How many repositories `owner` has on disk (the per-user cap counts these). */
  async countOwnedBy(owner: string): Promise<number> {
    if (!isRepoName({ owner, name: "x" })) return 0;
    return (await readNames(join(this.root, owner))).filter((entry) => entry.endsWith(".git")).length;
  }

  /**
   * A bare repository with nothing in it, beside (not inside) `root`: what
   * the first push to a new repository is shown (the ref advertisement of
   * `info/refs?service=git-receive-pack`), so that the GET creates nothing;
   * the repository is created by the POST that carries the push.
   */
  async emptyRepository(): Promise<{ projectRoot: string; pathInfo: string }> {
    const projectRoot = `${this.root}-empty`;
    const dir = join(projectRoot, "empty.git");
    if (!(await isFile(join(dir, "HEAD")))) {
      await mkdir(dir, { recursive: true });
      await this.git.run(["init", "--quiet", "--bare", "--initial-branch=main", dir]);
    }
    return { projectRoot, pathInfo: "/empty.git/info/refs" };
  }

  /** Every repository on disk, for reconciling at start. */
  async list(): Promise<RepoName[]> {
    const repos: RepoName[] = [];
    for (const owner of await readNames(this.root)) {
      for (const entry of await readNames(join(this.root, owner))) {
        if (!entry.endsWith(".git")) continue;
        const repo = { owner, name: entry.slice(0, -".git".length) };
        if (isRepoName(repo) && (await this.exists(repo))) repos.push(repo);
      }
    }
    return repos.sort((a, b) => (`${a.owner}/${a.name}` < `${b.owner}/${b.name}` ? -1 : 1));
  }
}

async function readNames(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
  } catch (e) {
    if (errnoCode(e) === "ENOENT") return [];
    throw e;
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch (e) {
    if (errnoCode(e) === "ENOENT" || errnoCode(e) === "ENOTDIR") return false;
    throw e;
  }
}
