import { posix } from "node:path";
import type { SnapshotFile } from "../../core/snapshot/publish-snapshot.js";
import type { Task } from "../../core/task/task.js";
import type { CommitFile } from "./read-commit-tree.js";

/** What of the commit reaches the cluster, and what was left out. */
export interface SnapshotSelection {
  files: SnapshotFile[];
  /** Project paths left out by .ailabignore or files.ignore. */
  ignored: number;
}

/**
 * Applies the ignore rules and the `files.upload` mapping to a commit's
 * files. Each mapping takes the files at or under its `local` path (`.` is
 * everything) to the same place under `remote`; the first mapping that
 * places a file at a remote path wins. A mapping of a single file puts it
 * at `remote` itself. `isIgnored` is asked with project
 * paths; `read` gives a file's bytes when the snapshot is published.
 */
export function selectSnapshotFiles(
  files: readonly CommitFile[],
  upload: Task["files"]["upload"],
  isIgnored: (path: string) => boolean,
  read: (file: CommitFile) => Promise<Uint8Array>,
): SnapshotSelection {
  const kept = files.filter((f) => !isIgnored(f.path));
  const byRemote = new Map<string, SnapshotFile>();
  for (const { local, remote } of upload) {
    for (const file of kept) {
      const relative = relativeUnder(local, file.path);
      if (relative === undefined) continue;
      const target = posix.normalize(posix.join(remote, relative));
      if (byRemote.has(target)) continue;
      byRemote.set(target, { path: target, mode: file.mode, read: () => read(file) });
    }
  }
  const selected = [...byRemote.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files: selected, ignored: files.length - kept.length };
}

/** `path` relative to `folder` when it is the folder itself (a file) or inside it; else undefined. */
function relativeUnder(folder: string, path: string): string | undefined {
  if (folder === ".") return path;
  if (path === folder) return "";
  if (path.startsWith(`${folder}/`)) return path.slice(folder.length + 1);
  return undefined;
}
