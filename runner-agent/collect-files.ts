import { lstat, readdir, realpath } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import { errnoCode } from "../core/errors.js";

/** A declared path that was left out, and why. */
export interface SkippedPath {
  path: string;
  reason: string;
}

export interface CollectedFiles {
  /** Regular files, relative to the base folder, POSIX, sorted. */
  files: string[];
  skipped: SkippedPath[];
}

/**
 * Finds the regular files under the declared `paths` (relative to `base`)
 * without following links: the walk uses lstat, so a symlink the job planted
 * (say `output/passwd -> /etc/passwd`) is skipped, not archived, and so is a
 * declared path whose real folder lies outside `jail` (the job's folder).
 * Paths that do not exist are skipped too: a job need not write every one.
 */
export async function collectFiles(base: string, jail: string, paths: readonly string[]): Promise<CollectedFiles> {
  const realJail = await realpath(jail);
  const files = new Set<string>();
  const skipped: SkippedPath[] = [];
  for (const path of paths) {
    const absolute = resolve(base, path);
    if (!within(jail, base) || !within(base, absolute)) {
      skipped.push({ path, reason: "outside the job folder" });
      continue;
    }
    let parent: string;
    try {
      parent = await realpath(dirname(absolute));
    } catch (e) {
      if (errnoCode(e) !== "ENOENT" && errnoCode(e) !== "ENOTDIR") throw e;
      skipped.push({ path, reason: "does not exist" });
      continue;
    }
    if (absolute !== jail && !within(realJail, parent)) {
      skipped.push({ path, reason: "leads outside the job folder" });
      continue;
    }
    await walk(absolute, path, base, files, skipped);
  }
  return { files: [...files].sort(), skipped };
}

async function walk(absolute: string, shown: string, base: string, files: Set<string>, skipped: SkippedPath[]): Promise<void> {
  let info;
  try {
    info = await lstat(absolute);
  } catch (e) {
    if (errnoCode(e) !== "ENOENT" && errnoCode(e) !== "ENOTDIR") throw e;
    skipped.push({ path: shown, reason: "does not exist" });
    return;
  }
  if (info.isSymbolicLink()) {
    skipped.push({ path: shown, reason: "is a symbolic link" });
  } else if (info.isFile()) {
    files.add(relative(base, absolute).split(sep).join("/"));
  } else if (info.isDirectory()) {
    for (const entry of await readdir(absolute)) await walk(join(absolute, entry), `${shown}/${entry}`, base, files, skipped);
  } else {
    skipped.push({ path: shown, reason: "is not a regular file" });
  }
}

/** True when `path` is `root` or below it (lexically). */
function within(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !rel.startsWith(sep));
}
