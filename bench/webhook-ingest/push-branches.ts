import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { git, sampleProject, writeFiles } from "../../test/helpers/action-git.js";
import { forgeGitEnv, withCredentials } from "../../test/helpers/forge/forge-git-env.js";
import type { FakeForge, FakeUser } from "../../test/helpers/forge/forge-types.js";
import type { Delivery } from "./send-deliveries.js";

/** Branches made locally, not yet pushed: each one's commit, and how to push some of them. */
export interface LocalBranches {
  commits: Map<string, string>;
  /** Pushes these branches in one `git push`; returns the push deliveries the fake Gitea made for them (not sent). */
  push(branches: readonly string[]): Promise<Delivery[]>;
}

/**
 * Makes `count` branches ailab/run-000 … in a local clone of alice/hw, each
 * at a commit of its own (the same valid project, a different commit
 * message). `push` sends some of them to the fake Gitea while it records
 * its webhooks without sending them: the bench sends them itself, at its
 * own pace. The bodies and signatures are Gitea's own, from the real push.
 */
export async function makeBranches(gitea: FakeForge, alice: FakeUser, dir: string, count: number): Promise<LocalBranches> {
  const env = forgeGitEnv(dir);
  const project = join(dir, "project");
  await mkdir(project);
  await writeFiles(project, sampleProject());
  await git(project, ["init", "--quiet", "--initial-branch=main"], env);
  await git(project, ["add", "-A"], env);
  await git(project, ["commit", "--quiet", "-m", "project"], env);
  const tree = await git(project, ["rev-parse", "HEAD^{tree}"], env);
  const commits = new Map<string, string>();
  for (let i = 0; i < count; i++) {
    const branch = `ailab/run-${String(i).padStart(3, "0")}`;
    const commit = await git(project, ["commit-tree", tree, "-p", "HEAD", "-m", `run ${i}`], env);
    await git(project, ["update-ref", `refs/heads/${branch}`, commit], env);
    commits.set(branch, commit);
  }
  const remote = withCredentials(`${gitea.url}alice/hw.git`, "alice", alice.token);
  return {
    commits,
    async push(branches) {
      gitea.dropDeliveries(true);
      const from = gitea.deliveries.length;
      await git(project, ["push", "--quiet", remote, ...branches.map((b) => `refs/heads/${b}:refs/heads/${b}`)], env);
      await gitea.settled();
      gitea.dropDeliveries(false);
      // Gitea sends `create` then `push` for a new branch; ailab acts on `push` and answers `create` with 200 (ignored).
      const deliveries = gitea.deliveries
        .slice(from)
        .filter((d) => d.event === "push")
        .map((d) => ({ headers: d.headers, body: d.body }));
      if (deliveries.length !== branches.length) throw new Error(`the push made ${deliveries.length} push deliveries, not ${branches.length}`);
      return deliveries;
    },
  };
}
