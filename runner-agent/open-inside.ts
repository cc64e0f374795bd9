import { constants, type Stats } from "node:fs";
import { open, readdir, type FileHandle } from "node:fs/promises";
import { isAbsolute, relative, sep } from "node:path";
import { errnoCode } from "../core/errors.js";

/** A file or folder opened inside a job's folder, with what fstat said of the opened fd. */
export interface OpenedEntry {
  handle: FileHandle;
  stat: Stats;
}

/** Why an entry is not read: it is absent, or it is something the runner must not follow or read. */
export interface RefusedEntry {
  /** `missing` for a path that does not exist; `refused` for a link, a special file, a second name of a file, another file system. */
  kind: "missing" | "refused";
  reason: string;
}

export type OpenResult = { ok: true; entry: OpenedEntry } | ({ ok: false } & RefusedEntry);

// Never blocks on a FIFO a job planted, never makes a terminal the runner's.
const READ = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK | constants.O_NOCTTY;

/**
 * Opens `path` (absolute under `root`, or relative to it) one name at a
 * time, following no link anywhere on the way: `root` is opened with
 * O_DIRECTORY|O_NOFOLLOW, each next name (O_NOFOLLOW) is looked up in the folder just
 * opened (through `/proc/self/fd/<fd>/<name>`, which is openat(2) for Node:
 * the folder is the one already open, whatever was renamed since), and
 * every opened fd is checked with fstat. A folder on the way must be a
 * folder on `root`'s file system; the last entry, when `want` is `file`,
 * must be a regular file with one name (`nlink === 1`: a hard link to a
 * file outside shares its inode) on that file system too. So a job that
 * swaps a file or a folder for a link, plants a hard link or a FIFO, or
 * races the runner between check and read, gets its entry refused, never
 * another file read. The caller closes the handle. A reason names a
 * folder on the way relative to `shownFrom` (default: `root`).
 */
export async function openInside(root: string, path: string, want: "file" | "entry", shownFrom = root): Promise<OpenResult> {
  const names = namesBelow(root, path);
  if (names === undefined) return { ok: false, kind: "refused", reason: "lies outside its folder" };
  // A folder on the way is named in a reason from `shownFrom` (the folder the caller's paths are relative to) where it lies below it.
  const hidden = Math.min(namesBelow(root, shownFrom)?.length ?? 0, names.length - 1);
  let dir: OpenedEntry;
  try {
    const handle = await open(root, READ | constants.O_DIRECTORY);
    dir = { handle, stat: await handle.stat() };
  } catch (e) {
    return refusal(e, "its folder");
  }
  const device = dir.stat.dev;
  for (let i = 0; i < names.length; i++) {
    const last = i === names.length - 1;
    const shown = last ? undefined : names.slice(i < hidden ? 0 : hidden, i + 1).join("/");
    const next = await openBeneath(dir.handle, names[i]!, last ? want : "folder", device, shown);
    await dir.handle.close();
    if (!next.ok) return next;
    dir = next.entry;
  }
  if (names.length === 0 && want === "file") {
    await dir.handle.close();
    return { ok: false, kind: "refused", reason: "is a folder" };
  }
  return { ok: true, entry: dir };
}

/**
 * Opens `name` inside the open folder `dir` without following a link, and
 * checks what it opened (see openInside). `want`: `folder`, `file` (a
 * regular file with one name) or `entry` (a folder or such a file).
 * `shown` names the entry in a reason when it is a folder on the way
 * (`output/sub is a symbolic link`); undefined for the entry itself.
 */
export async function openBeneath(dir: FileHandle, name: string, want: "folder" | "file" | "entry", device: number, shown?: string): Promise<OpenResult> {
  if (name === "" || name === "." || name === ".." || name.includes("/") || name.includes("\0")) {
    return { ok: false, kind: "refused", reason: `${JSON.stringify(name)} is not a name inside the folder` };
  }
  const subject = shown === undefined ? "" : `${shown} `;
  let handle: FileHandle;
  try {
    // No O_DIRECTORY here: with O_NOFOLLOW it turns a link into ENOTDIR, and the reason would not say "link"; fstat checks the kind below.
    handle = await open(`/proc/self/fd/${dir.fd}/${name}`, READ);
  } catch (e) {
    return refusal(e, shown);
  }
  const stat = await handle.stat();
  const problem = entryProblem(stat, want, device);
  if (problem !== undefined) {
    await handle.close();
    return { ok: false, kind: "refused", reason: `${subject}${problem}` };
  }
  return { ok: true, entry: { handle, stat } };
}

/** The names in an open folder, sorted: read through the fd, so a folder renamed or swapped since it was opened is not listed instead. */
export async function namesIn(dir: FileHandle): Promise<string[]> {
  return (await readdir(`/proc/self/fd/${dir.fd}`)).sort();
}

function entryProblem(stat: Stats, want: "folder" | "file" | "entry", device: number): string | undefined {
  if (stat.dev !== device) return "is on another file system";
  if (stat.isDirectory()) return want === "file" ? "is a folder" : undefined;
  if (want === "folder") return "is not a folder";
  if (!stat.isFile()) return "is not a regular file";
  // No name left: it was renamed over or removed between the listing and the open.
  if (stat.nlink === 0) return "was replaced while it was read";
  if (stat.nlink !== 1) return `has ${stat.nlink} names (a hard link)`;
  return undefined;
}

/** The names from `root` down to `path`, or undefined when `path` is not below `root`. */
function namesBelow(root: string, path: string): string[] | undefined {
  const rel = isAbsolute(path) ? relative(root, path) : path;
  if (rel === "") return [];
  const names = rel.split(sep).filter((n) => n !== "" && n !== ".");
  if (isAbsolute(rel) || names.includes("..")) return undefined;
  return names;
}

function refusal(e: unknown, shown: string | undefined): OpenResult {
  const subject = shown === undefined ? "" : `${shown} `;
  switch (errnoCode(e)) {
    case "ENOENT":
      return { ok: false, kind: "missing", reason: `${subject}does not exist` };
    case "ELOOP":
      return { ok: false, kind: "refused", reason: `${subject}is a symbolic link` };
    case "ENOTDIR":
      return { ok: false, kind: shown === undefined ? "refused" : "missing", reason: `${subject}is not a folder` };
    case "ENXIO":
    case "EOPNOTSUPP":
      return { ok: false, kind: "refused", reason: `${subject}is not a regular file` };
    case "EACCES":
    case "EPERM":
      return { ok: false, kind: "refused", reason: `${subject}cannot be read` };
    default:
      throw e;
  }
}
