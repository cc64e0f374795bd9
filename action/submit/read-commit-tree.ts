import * as fs from "node:fs";
import git from "isomorphic-git";

/** A regular file in a commit. */
export interface CommitFile {
  path: string;
  mode: "file" | "exec";
  oid: string;
}

/** What a commit holds, read in-process from the bare repository. */
export interface CommitTree {
  files: CommitFile[];
  dirs: Set<string>;
  /** Symbolic links (mode 120000): never followed, never uploaded. */
  links: string[];
  /** Submodules (mode 160000): their contents are not in this repository. */
  submodules: string[];
}

/**
 * Reads the whole tree of `commit` with isomorphic-git (no work tree, no
 * checkout). `cache` is isomorphic-git's pack cache; pass the same object to
 * `readBlobBytes` so packs are parsed once.
 */
export async function readCommitTree(gitdir: string, commit: string, cache: object): Promise<CommitTree> {
  const { commit: object } = await git.readCommit({ fs, gitdir, oid: commit, cache });
  const tree: CommitTree = { files: [], dirs: new Set(), links: [], submodules: [] };
  await walk(gitdir, object.tree, "", tree, cache);
  tree.files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return tree;
}

async function walk(gitdir: string, oid: string, prefix: string, out: CommitTree, cache: object): Promise<void> {
  const { tree } = await git.readTree({ fs, gitdir, oid, cache });
  for (const entry of tree) {
    const path = prefix ? `${prefix}/${entry.path}` : entry.path;
    if (entry.type === "tree") {
      out.dirs.add(path);
      await walk(gitdir, entry.oid, path, out, cache);
    } else if (entry.type === "commit") {
      out.submodules.push(path);
    } else if (entry.mode === "120000") {
      out.links.push(path);
    } else {
      out.files.push({ path, mode: entry.mode === "100755" ? "exec" : "file", oid: entry.oid });
    }
  }
}

/** One blob's bytes. */
export async function readBlobBytes(gitdir: string, oid: string, cache: object): Promise<Uint8Array> {
  const { blob } = await git.readBlob({ fs, gitdir, oid, cache });
  return blob;
}
