import { lstatSync, readdirSync, rmSync } from "node:fs";
import { isAbsolute, join, relative, resolve } from "node:path";

/**
 * How old a git lock file must be before it is taken for one left by a git
 * that crashed. Git holds a ref or index lock for milliseconds; every git
 * write the action makes to a repository goes through that repository's
 * KeyedLock, and only one action runs per data folder, so a lock this old
 * has no living owner.
 */
export const STALE_GIT_LOCK_MS = 10_000;

/** The lock file named by git's "Unable to create '<path>.lock': File exists." (the first line of that error), if stderr has it. */
export function lockFileInError(stderr: string): string | undefined {
  return /Unable to create '([^'\n]+\.lock)': File exists/.exec(stderr)?.[1];
}

/**
 * Removes `lockPath` when it is a plain file inside `gitDir`, named `*.lock`,
 * and older than `staleMs`; returns whether it did. A path from git's
 * message is checked, never trusted: it must not lead outside the repository.
 */
export function removeIfStale(lockPath: string, gitDir: string, nowMs: number, staleMs = STALE_GIT_LOCK_MS): boolean {
  const path = resolve(gitDir, lockPath);
  const inside = relative(resolve(gitDir), path);
  if (!path.endsWith(".lock") || inside === "" || inside.startsWith("..") || isAbsolute(inside)) return false;
  let stats;
  try {
    stats = lstatSync(path);
  } catch {
    return false;
  }
  if (!stats.isFile() || nowMs - stats.mtimeMs < staleMs) return false;
  rmSync(path, { force: true });
  return true;
}

/**
 * Removes every stale `*.lock` a crashed git can leave in a bare repository
 * (under refs/, and HEAD.lock, packed-refs.lock, config.lock, index.lock,
 * shallow.lock at the top); objects/ is skipped, git locks nothing there.
 * Returns the paths removed, for the log.
 */
export function sweepStaleLocks(gitDir: string, nowMs: number, staleMs = STALE_GIT_LOCK_MS): string[] {
  const removed: string[] = [];
  const take = (dir: string, recurse: boolean) => {
    for (const entry of listDir(dir)) {
      const path = join(dir, entry.name);
      if (recurse && entry.isDirectory()) take(path, true);
      else if (entry.isFile() && entry.name.endsWith(".lock") && removeIfStale(path, gitDir, nowMs, staleMs)) removed.push(path);
    }
  };
  take(gitDir, false);
  take(join(gitDir, "refs"), true);
  return removed;
}

function listDir(dir: string) {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}
