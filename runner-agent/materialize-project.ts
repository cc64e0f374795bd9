import { constants } from "node:fs";
import { chmod, copyFile, mkdir, rm } from "node:fs/promises";
import { dirname, posix, relative, resolve, sep } from "node:path";
import { AilabError, PathEscapeError } from "../core/errors.js";
import { treeHash } from "../core/env-hash.js";
import { TreeManifest, type TreeEntry } from "../core/protocol/messages.js";
import { relayKeys } from "../core/relay/layout.js";
import type { RelayStore } from "../core/relay/relay-store.js";
import type { Task } from "../core/task/task.js";
import type { ObjectCache } from "./object-cache.js";

export interface MaterializeOptions {
  relay: RelayStore;
  objects: ObjectCache;
  /** The snapshot's tree hash (`trees/<hash>.json` in the relay). */
  tree: string;
  /** The task's `files.upload`: project path → path in the job's folder. */
  upload: Task["files"]["upload"];
  /** Replaced as a whole: a rebuilt job starts from the snapshot again. */
  projectDir: string;
}

/**
 * Lays a project snapshot out in the job's folder: fetches the tree manifest
 * and the objects the local cache lacks, then copies each file to where the
 * task's upload mapping puts it. Files are copied (a reflink where the file
 * system can), not hard-linked: a job that rewrites a source file in place
 * would otherwise change the shared cache under every later task. A path
 * that would land outside the folder is refused.
 */
export async function materializeProject(options: MaterializeOptions): Promise<{ files: number }> {
  const manifest = await readTree(options.relay, options.tree);
  const placements = placeEntries(manifest.entries, options.upload, options.projectDir);
  await options.objects.fetchAll(placements.map((p) => p.entry.object));
  await rm(options.projectDir, { recursive: true, force: true });
  await mkdir(options.projectDir, { recursive: true });
  for (const { entry, target } of placements) {
    await mkdir(dirname(target), { recursive: true });
    await copyFile(options.objects.pathOf(entry.object), target, constants.COPYFILE_FICLONE);
    await chmod(target, entry.mode === "exec" ? 0o755 : 0o644);
  }
  return { files: placements.length };
}

async function readTree(relay: RelayStore, tree: string): Promise<TreeManifest> {
  const raw = await relay.get(relayKeys.tree(tree));
  if (!raw) throw new AilabError("ObjectMissing", `the project snapshot ${tree} is not in the relay`, { tree });
  const parsed = TreeManifest.safeParse(JSON.parse(Buffer.from(raw).toString("utf8")));
  if (!parsed.success || treeHash(parsed.data) !== tree) {
    throw new AilabError("BadManifest", `the project snapshot ${tree} is not a valid tree manifest`, { tree });
  }
  return parsed.data;
}

/** Where each entry goes under `root`, following the upload mapping; entries no mapping covers stay out. */
export function placeEntries(entries: readonly TreeEntry[], upload: Task["files"]["upload"], root: string): { entry: TreeEntry; target: string }[] {
  const placements: { entry: TreeEntry; target: string }[] = [];
  for (const entry of entries) {
    const path = cleanRelative(entry.path, root);
    for (const { local, remote } of upload) {
      const rest = local === "." ? path : path === local ? "" : path.startsWith(`${local}/`) ? path.slice(local.length + 1) : undefined;
      if (rest === undefined) continue;
      const mapped = remote === "." ? rest : rest === "" ? remote : `${remote}/${rest}`;
      placements.push({ entry, target: inside(root, mapped) });
    }
  }
  return placements;
}

function cleanRelative(path: string, root: string): string {
  if (path === "" || path.startsWith("/") || posix.normalize(path) !== path || path.split("/").includes("..")) {
    throw new PathEscapeError(path, root);
  }
  return path;
}

/** `root/path`, refusing anything that resolves outside `root` (or to `root` itself). */
function inside(root: string, path: string): string {
  cleanRelative(path, root);
  const target = resolve(root, path);
  const rel = relative(root, target);
  if (rel === "" || rel.startsWith(`..${sep}`) || rel === ".." || resolve(root, rel) !== target) throw new PathEscapeError(path, root);
  return target;
}
