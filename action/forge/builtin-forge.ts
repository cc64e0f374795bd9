import type { Db } from "../action-db.js";
import type { GitRunner } from "../githost/git-runner.js";
import type { Repositories } from "../githost/repositories.js";
import type { KeyedLock } from "../push/keyed-lock.js";
import { parseRepoName } from "../users/names.js";
import type { CommitStatus, Forge, Release } from "./forge.js";

/** The identity the action writes notes and tags as; fixed, so nothing depends on the host. */
const AILAB_IDENTITY: Record<string, string> = {
  GIT_AUTHOR_NAME: "ailab",
  GIT_AUTHOR_EMAIL: "ailab@localhost",
  GIT_COMMITTER_NAME: "ailab",
  GIT_COMMITTER_EMAIL: "ailab@localhost",
};

export const NOTES_REF = "refs/notes/ailab";

/**
 * The built-in git host as a forge: statuses are rows in the action's
 * database and also a git note under `refs/notes/ailab` on the commit (one
 * line per context); a release is a tag `ailab/<task id>` at the commit,
 * annotated with the final status, and the artifacts are served by the API.
 * Git writes to one repository go through its lock.
 */
export function createBuiltinForge(deps: { db: Db; git: GitRunner; repos: Repositories; locks: KeyedLock; now: () => string }): Forge {
  const { db, git, repos, locks } = deps;
  return {
    async setStatus(status: CommitStatus) {
      db.prepare(
        `INSERT INTO commit_statuses (repo, commit_id, context, state, description, target_url, task_id, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (repo, commit_id, context) DO UPDATE SET state = excluded.state, description = excluded.description,
           target_url = excluded.target_url, task_id = excluded.task_id, updated_at = excluded.updated_at`,
      ).run(status.repo, status.commit, status.context, status.state, status.description, status.targetUrl, status.taskId, deps.now());
      const rows = db
        .prepare("SELECT context, state, description, task_id FROM commit_statuses WHERE repo = ? AND commit_id = ? ORDER BY context")
        .all(status.repo, status.commit) as { context: string; state: string; description: string; task_id: string }[];
      const text = rows.map((r) => noteLine(r.context, r.state, r.description, r.task_id)).join("\n");
      const gitDir = repos.gitDir(parseRepoName(status.repo));
      await locks.run(status.repo, () =>
        git.run(["--git-dir", gitDir, "notes", `--ref=${NOTES_REF}`, "add", "-f", "-m", text, status.commit], { env: AILAB_IDENTITY }),
      );
    },

    async publishRelease(release: Release) {
      const gitDir = repos.gitDir(parseRepoName(release.repo));
      const ref = `refs/tags/${release.tag}`;
      await locks.run(release.repo, async () => {
        const existing = await git.run(["--git-dir", gitDir, "rev-parse", "--verify", "--quiet", ref], { allowFailure: true });
        if (existing.exitCode === 0) return;
        const artifacts = release.artifacts.map((a) => `  ${a.name} (${a.size} bytes, sha256 ${a.sha256})`);
        const message = [release.title, "", release.targetUrl, ...(artifacts.length ? ["", "Artifacts:", ...artifacts] : []), ""].join("\n");
        await git.run(["--git-dir", gitDir, "tag", "-a", "-m", message, release.tag, release.commit], { env: AILAB_IDENTITY });
      });
    },
  };
}

/** One line of the note: `ailab/<task name>: <forge state> — <description> (<task id>)`. */
export function noteLine(context: string, state: string, description: string, taskId: string): string {
  return `${context}: ${state} — ${description.replace(/\s*\n\s*/g, " ")} (${taskId})`;
}
