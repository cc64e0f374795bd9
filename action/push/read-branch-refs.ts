import type { GitRunner } from "../githost/git-runner.js";

/** Branches ailab acts on. */
export const AILAB_REF_PREFIX = "refs/heads/ailab/";

/** The repository's `refs/heads/ailab/*` and the commit each points at (one `git for-each-ref`). */
export async function readBranchRefs(git: GitRunner, gitDir: string): Promise<Map<string, string>> {
  const { stdout } = await git.run(["--git-dir", gitDir, "for-each-ref", "--format=%(objectname) %(refname)", AILAB_REF_PREFIX]);
  const refs = new Map<string, string>();
  for (const line of stdout.split("\n")) {
    const match = /^([0-9a-f]{40}) (refs\/heads\/ailab\/\S+)$/.exec(line);
    if (match) refs.set(match[2]!, match[1]!);
  }
  return refs;
}
