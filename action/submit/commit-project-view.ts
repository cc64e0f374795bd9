import type { PathKind, ProjectView } from "../../core/task/project-view.js";
import type { CommitFile, CommitTree } from "./read-commit-tree.js";

/**
 * A commit's tree as a ProjectView, for checkProject. Links are links;
 * submodules are absent (their contents are not in this repository and are
 * never uploaded).
 */
export function commitProjectView(tree: CommitTree, read: (file: CommitFile) => Promise<Uint8Array>): ProjectView {
  const files = new Map(tree.files.map((f) => [f.path, f]));
  const links = new Set(tree.links);
  return {
    kind(path: string): PathKind {
      if (path === "." || tree.dirs.has(path)) return "dir";
      if (files.has(path)) return "file";
      return links.has(path) ? "link" : undefined;
    },
    read(path: string): Promise<Uint8Array> {
      const file = files.get(path);
      return file ? read(file) : Promise.reject(new Error(`${path} is not a file in the commit`));
    },
  };
}
