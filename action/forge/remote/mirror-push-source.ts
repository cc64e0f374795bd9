import type { Db } from "../../action-db.js";
import type { GitRunner } from "../../githost/git-runner.js";
import type { Repositories } from "../../githost/repositories.js";
import { isRepoName, repoKey, type RepoName } from "../../users/names.js";
import type { PushSource } from "../push-source.js";
import { fetchMirror } from "./fetch-mirror.js";
import type { ForgeClient } from "./forge-client.js";
import { listForgeTargets } from "./forge-targets.js";

/**
 * A Gitea, Forgejo or GitHub as the push source: each repository has a bare
 * mirror under the action's data folder, fetched on a webhook and when the
 * reconcile finds the forge's branches differ from what was last seen. The
 * repositories to reconcile are those hooked (organisations expanded) and
 * those a delivery came from.
 */
export function createMirrorPushSource(deps: { db: Db; git: GitRunner; mirrors: Repositories; client: ForgeClient; token: string }): PushSource {
  return {
    refresh: (repo) => fetchMirror(deps, repo),
    async listRepositories() {
      const found = new Map<string, RepoName>();
      for (const target of listForgeTargets(deps.db)) {
        const names = target.kind === "org" ? await deps.client.listOrgRepos(target.target) : [target.target];
        for (const name of names) {
          const repo = toRepoName(name);
          if (repo) found.set(repoKey(repo), repo);
        }
      }
      return [...found.values()].sort((a, b) => (repoKey(a) < repoKey(b) ? -1 : 1));
    },
    peekRefs: (repo) => deps.client.listAilabRefs(repoKey(repo)),
  };
}

/**
 * A forge's "Owner/Name" as the action names it: the owner in lower case
 * (forges compare owners without case, and the owner is a folder name
 * here); undefined for a name the action cannot hold safely.
 */
export function toRepoName(fullName: string): RepoName | undefined {
  const [owner = "", name = "", ...rest] = fullName.split("/");
  const repo = { owner: owner.toLowerCase(), name };
  return rest.length === 0 && isRepoName(repo) ? repo : undefined;
}
