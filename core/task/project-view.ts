/** What a path is in a project: undefined when absent. Links are never followed. */
export type PathKind = "file" | "dir" | "link" | undefined;

/**
 * A read-only view of a project as the server would see it: a commit's tree
 * (the action) or a working folder (the CLI's `validate`). Paths are POSIX,
 * relative to the project root, normalised (no `./`, no `..`); `.` is the
 * root. checkProject reads a project only through this, so both give the
 * same verdict in the same words.
 */
export interface ProjectView {
  /** What `path` itself is, without following a link at it. */
  kind(path: string): PathKind;
  /** The bytes of a file (a path whose kind is "file"). */
  read(path: string): Promise<Uint8Array>;
}

/**
 * What `path` is when each folder on the way is looked at too: a link
 * anywhere on the way (`src` in `src/data`) makes the whole path a link,
 * named in `link`, since following it could lead out of the project.
 */
export function lookUpPath(view: Pick<ProjectView, "kind">, path: string): { kind: PathKind; link?: string } {
  if (path === ".") return { kind: "dir" };
  const parts = path.split("/");
  for (let i = 1; i < parts.length; i++) {
    const prefix = parts.slice(0, i).join("/");
    const kind = view.kind(prefix);
    if (kind === "link") return { kind: "link", link: prefix };
    if (kind !== "dir") return { kind: undefined };
  }
  const kind = view.kind(path);
  return kind === "link" ? { kind, link: path } : { kind };
}
