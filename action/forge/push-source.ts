import type { Repositories } from "../githost/repositories.js";
import type { RepoName } from "../users/names.js";

/**
 * Where pushes come from. The action always reads a repository's ailab
 * branches from a local bare repository and diffs them against what it last
 * saw (see handleRefChanges); a source only says how that copy is brought up
 * to date and which repositories to look at when reconciling.
 */
export interface PushSource {
  /** Makes the local copy match the forge: a fetch into the mirror; nothing for the built-in host, which is the copy. */
  refresh(repo: RepoName): Promise<void>;
  /** The repositories to reconcile. */
  listRepositories(): Promise<RepoName[]>;
  /** The forge's ailab branches without a fetch, to skip repositories that did not change; absent: always refresh. */
  peekRefs?(repo: RepoName): Promise<Map<string, string>>;
}

/** The built-in git host: pushes land in its own repositories. */
export function builtinPushSource(repos: Repositories): PushSource {
  return {
    refresh: () => Promise.resolve(),
    listRepositories: () => repos.list(),
  };
}
