import { lstatSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { PathKind, ProjectView } from "./project-view.js";

/**
 * A project folder on disk as a ProjectView, for `ailab validate`: kinds come
 * from lstat (a link is a link, never what it points at); anything that is
 * not a file, a folder or a link (a socket, a fifo) is absent, as it would be
 * from a commit.
 */
export function folderProjectView(root: string): ProjectView {
  return {
    kind(path: string): PathKind {
      const stat = lstatSync(join(root, path), { throwIfNoEntry: false });
      if (stat === undefined) return undefined;
      if (stat.isSymbolicLink()) return "link";
      if (stat.isDirectory()) return "dir";
      return stat.isFile() ? "file" : undefined;
    },
    read: (path: string) => readFile(join(root, path)),
  };
}
