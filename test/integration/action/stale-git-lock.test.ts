import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { createGitRunner, GitError } from "../../../action/githost/git-runner.js";
import { removeIfStale, sweepStaleLocks } from "../../../action/githost/stale-git-lock.js";
import { tempDir } from "../../helpers/temp-dir.js";

const IDENTITY = { GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@t", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@t" };

/** A bare repository holding one commit; returns its git dir and the commit. */
function bareRepoWithCommit(root: string): { gitDir: string; commit: string } {
  const work = join(root, "work");
  const gitDir = join(root, "repo.git");
  const git = (args: string[], cwd = root) => execFileSync("git", args, { cwd, env: { ...process.env, ...IDENTITY }, encoding: "utf8" }).trim();
  git(["init", "--quiet", "--bare", gitDir]);
  git(["init", "--quiet", work]);
  writeFileSync(join(work, "a.txt"), "a\n");
  git(["add", "a.txt"], work);
  git(["commit", "--quiet", "-m", "one"], work);
  git(["push", "--quiet", gitDir, "HEAD:refs/heads/main"], work);
  return { gitDir, commit: git(["rev-parse", "HEAD"], work) };
}

function age(path: string, seconds: number): void {
  const then = (Date.now() - seconds * 1000) / 1000;
  utimesSync(path, then, then);
}

test("a notes lock left by a crashed git is cleared once it is stale, with its path reported, and the note is written", async (t) => {
  const root = await tempDir(t);
  const { gitDir, commit } = bareRepoWithCommit(root);
  const cleared: string[] = [];
  const git = createGitRunner({ home: root, searchPath: process.env.PATH ?? "/usr/bin:/bin", onStaleLock: (path) => cleared.push(path) });
  mkdirSync(join(gitDir, "refs", "notes"), { recursive: true });
  const lock = join(gitDir, "refs", "notes", "ailab.lock");
  const notes = ["--git-dir", gitDir, "notes", "--ref=refs/notes/ailab", "add", "-f", "-m", "ailab/train: success", commit];

  // A lock held right now may belong to a git that is still running: it is left alone, and the error names it whole.
  writeFileSync(lock, "");
  await assert.rejects(git.run(notes, { env: IDENTITY }), (e: unknown) => e instanceof GitError && e.message.includes(lock));
  assert.ok(existsSync(lock));
  assert.deepEqual(cleared, []);

  age(lock, 60);
  await git.run(notes, { env: IDENTITY });
  assert.deepEqual(cleared, [lock]);
  assert.equal(existsSync(lock), false);
  const note = execFileSync("git", ["--git-dir", gitDir, "notes", "--ref=refs/notes/ailab", "show", commit], { encoding: "utf8" });
  assert.equal(note.trim(), "ailab/train: success");
});

test("the sweep at start removes stale ref locks only, inside the repository, never following a link", async (t) => {
  const root = await tempDir(t);
  const { gitDir } = bareRepoWithCommit(root);
  const stale = [join(gitDir, "packed-refs.lock"), join(gitDir, "refs", "heads", "ailab", "train.lock")];
  mkdirSync(join(gitDir, "refs", "heads", "ailab"), { recursive: true });
  for (const path of stale) {
    writeFileSync(path, "");
    age(path, 120);
  }
  const fresh = join(gitDir, "refs", "tags", "new.lock");
  writeFileSync(fresh, "");
  const outside = join(root, "precious.lock");
  writeFileSync(outside, "keep me");
  age(outside, 120);
  symlinkSync(outside, join(gitDir, "refs", "heads", "link.lock"));

  const removed = sweepStaleLocks(gitDir, Date.now());
  assert.deepEqual(removed.sort(), [...stale].sort());
  for (const path of stale) assert.equal(existsSync(path), false);
  assert.ok(existsSync(fresh), "a lock younger than the threshold stays");
  assert.ok(existsSync(outside), "a link named *.lock is not followed");
  assert.equal(removeIfStale(outside, gitDir, Date.now()), false, "a path outside the repository is never removed");
  assert.equal(removeIfStale(join(gitDir, "..", "precious.lock"), gitDir, Date.now()), false);
  assert.ok(existsSync(outside));
});
