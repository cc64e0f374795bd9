import type { GitRunner } from "../../githost/git-runner.js";
import type { Repositories } from "../../githost/repositories.js";
import { repoKey, type RepoName } from "../../users/names.js";
import type { ForgeClient } from "./forge-client.js";

/**
 * Brings the bare mirror of a forge repository up to date: its
 * refs/heads/ailab/* only, pruned (a branch deleted on the forge goes here
 * too), from the configured forge URL — never a URL from a payload. The bot
 * token travels in an HTTP header set through the environment
 * (GIT_CONFIG_*), so it is neither in git's arguments nor in a config file.
 */
export async function fetchMirror(deps: { git: GitRunner; mirrors: Repositories; client: ForgeClient; token: string }, repo: RepoName): Promise<void> {
  if (!(await deps.mirrors.exists(repo))) await deps.mirrors.create(repo);
  const basic = Buffer.from(`ailab:${deps.token}`).toString("base64");
  await deps.git.run(
    [
      "--git-dir",
      deps.mirrors.gitDir(repo),
      "fetch",
      "--quiet",
      "--prune",
      "--no-tags",
      "--no-write-fetch-head",
      deps.client.cloneUrl(repoKey(repo)),
      "+refs/heads/ailab/*:refs/heads/ailab/*",
    ],
    {
      env: {
        GIT_CONFIG_COUNT: "1",
        GIT_CONFIG_KEY_0: "http.extraHeader",
        GIT_CONFIG_VALUE_0: `Authorization: Basic ${basic}`,
      },
    },
  );
}
