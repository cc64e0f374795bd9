import { join } from "node:path";
import type { TestContext } from "node:test";
import { git, gitEnv, makeProject, sampleProject } from "./action-git.js";
import type { ActionHarness } from "./action-harness.js";
import { tempDir } from "./temp-dir.js";

export interface PushedProject {
  /** The temp folder holding the clone and alice's git HOME. */
  work: string;
  /** git's environment, with alice's token. */
  env: Record<string, string>;
  /** The project's working copy. */
  project: string;
  /** The pushed commit. */
  commit: string;
}

/**
 * What most action tests start with: alice commits `files` as the project
 * `proj` in a fresh folder and pushes HEAD to `ref` of alice/proj on the
 * harness's git host.
 */
export async function pushAliceProject(
  t: TestContext,
  h: ActionHarness,
  files: Record<string, string> = sampleProject(),
  ref = "refs/heads/ailab/train",
): Promise<PushedProject> {
  const work = await tempDir(t);
  const env = gitEnv(work, h.tokens.alice);
  const project = join(work, "proj");
  const commit = await makeProject(project, files, env);
  await git(project, ["push", "--quiet", h.gitUrl("alice", "proj"), `HEAD:${ref}`], env);
  return { work, env, project, commit };
}
