import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { git, sampleProject, writeFiles } from "../../test/helpers/action-git.js";
import { forgeGitEnv, withCredentials } from "../../test/helpers/forge/forge-git-env.js";
import type { FakeForge, FakeUser } from "../../test/helpers/forge/forge-types.js";
import type { Delivery } from "./send-deliveries.js";

/** What the push left: each branch's commit, and the push deliveries the fake Gitea made for it (not sent). */
export interface PushedBranches {
  commits: Map<string, string>;
  deliveries: Delivery[];
}

/**
 * Pushes `count` new branches ailab/run-000 … to alice/hw in one `git push`,
 * each at a commit of its own (the same valid project, a different commit
 * message), while the fake Gitea records its webhooks without sending them:
 * the bench sends them itself, at its own pace. The bodies and signatures
 * are Gitea's own, from the real push.
 */
export async function pushBranches(gitea: FakeForge, alice: FakeUser, dir: string, count: number): Promise<PushedBranches> {
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
  gitea.dropDeliveries(true);
  const from = gitea.deliveries.length;
  await git(project, ["push", "--quiet", withCredentials(`${gitea.url}alice/hw.git`, "alice", alice.token), "refs/heads/ailab/*:refs/heads/ailab/*"], env);
  await gitea.settled();
  gitea.dropDeliveries(false);
  // Gitea sends `create` then `push` for a new branch; ailab acts on `push` and answers `create` with 200 (ignored).
  const deliveries = gitea.deliveries
    .slice(from)
    .filter((d) => d.event === "push")
    .map((d) => ({ headers: d.headers, body: d.body }));
  if (deliveries.length !== count) throw new Error(`the push made ${deliveries.length} push deliveries, not ${count}`);
  return { commits, deliveries };
}
