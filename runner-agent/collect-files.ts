import { join, relative, resolve, sep } from "node:path";
import type { FileHandle } from "node:fs/promises";
import { namesIn, openBeneath, openInside, type OpenedEntry } from "./open-inside.js";

/** A declared path that was left out, and why. */
export interface SkippedPath {
  path: string;
  reason: string;
}

/** A regular file found under a declared path: relative to the base folder (POSIX), its size and whether it is executable, when the walk saw it. */
export interface FoundFile {
  path: string;
  size: number;
  executable: boolean;
}

export interface CollectedFiles {
  /** Regular files with one name, sorted by path. */
  files: FoundFile[];
  skipped: SkippedPath[];
  /** The files' sizes added up. */
  bytes: number;
  /** The walk stopped at `maxFiles` + 1 files: there are more than the limit. */
  tooMany: boolean;
}

export interface CollectOptions {
  /**
   * The folder the walk starts from, name by name (default: `jail`): a folder
   * the job cannot swap for a link, such as the job's own folder above its
   * project copy, so that not even `jail` itself is reached through a link.
   */
  root?: string;
  /** Stop after this many files plus one (default: no limit). */
  maxFiles?: number;
}

/**
 * Finds the regular files under the declared `paths` (relative to `base`)
 * without following links anywhere (see openInside): a symlink the job
 * planted (`output/passwd -> /etc/passwd`), a folder swapped for one, a hard
 * link to a file outside, a FIFO, another file system mounted inside: each
 * is skipped with the reason, not archived. So is a declared path outside
 * `jail` (the job's project folder), and one that does not exist: a job
 * need not write every one. What it finds is opened again when archived
 * (with the same checks), so a file swapped after the walk is refused then.
 */
export async function collectFiles(base: string, jail: string, paths: readonly string[], options: CollectOptions = {}): Promise<CollectedFiles> {
  const root = options.root ?? jail;
  const found = new Map<string, FoundFile>();
  const skipped: SkippedPath[] = [];
  const walk = { found, skipped, base, maxFiles: options.maxFiles ?? Number.POSITIVE_INFINITY, tooMany: false };
  for (const path of paths) {
    const absolute = resolve(base, path);
    if (!within(root, jail) || !within(jail, base) || !within(base, absolute)) {
      skipped.push({ path, reason: "outside the job folder" });
      continue;
    }
    const opened = await openInside(root, absolute, "entry", base);
    if (!opened.ok) {
      skipped.push({ path, reason: opened.reason });
      continue;
    }
    await visit(opened.entry, absolute, path.replace(/\/+$/, "") || path, walk);
    if (walk.tooMany) break;
  }
  const files = [...found.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, skipped, bytes: files.reduce((sum, f) => sum + f.size, 0), tooMany: walk.tooMany };
}

interface Walk {
  found: Map<string, FoundFile>;
  skipped: SkippedPath[];
  base: string;
  maxFiles: number;
  tooMany: boolean;
}

/** Records an opened file, or walks an opened folder through its fd; closes the handle. */
async function visit(entry: OpenedEntry, absolute: string, shown: string, walk: Walk): Promise<void> {
  try {
    if (!entry.stat.isDirectory()) {
      const path = relative(walk.base, absolute).split(sep).join("/");
      walk.found.set(path, { path, size: entry.stat.size, executable: (entry.stat.mode & 0o100) !== 0 });
      if (walk.found.size > walk.maxFiles) walk.tooMany = true;
      return;
    }
    await walkFolder(entry.handle, entry.stat.dev, absolute, shown, walk);
  } finally {
    await entry.handle.close();
  }
}

async function walkFolder(dir: FileHandle, device: number, absolute: string, shown: string, walk: Walk): Promise<void> {
  for (const name of await namesIn(dir)) {
    if (walk.tooMany) return;
    const opened = await openBeneath(dir, name, "entry", device);
    if (!opened.ok) {
      // Gone between the listing and the open: nothing to say about it.
      if (opened.kind !== "missing") walk.skipped.push({ path: `${shown}/${name}`, reason: opened.reason });
      continue;
    }
    await visit(opened.entry, join(absolute, name), `${shown}/${name}`, walk);
  }
}

/** True when `path` is `root` or below it (lexically). */
function within(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !rel.startsWith(sep));
}
