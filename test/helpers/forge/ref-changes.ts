// What a push did, found by comparing the repository's refs before and after
// it (the fake has no git hooks: it snapshots around `git-receive-pack`).

export interface RefChange {
  /** Full ref name, `refs/heads/x` or `refs/tags/x`. */
  ref: string;
  /** Name without `refs/heads/` or `refs/tags/`. */
  shortName: string;
  kind: "branch" | "tag";
  /** Old object id, or all zeros for a new ref. */
  before: string;
  /** New object id, or all zeros for a deleted ref. */
  after: string;
  change: "create" | "update" | "delete";
}

export const ZERO_SHA = "0".repeat(40);

/** Branch and tag changes, in ref-name order (other refs are ignored). */
export function diffRefs(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): RefChange[] {
  const names = [...new Set([...before.keys(), ...after.keys()])].sort();
  const changes: RefChange[] = [];
  for (const ref of names) {
    const kind = ref.startsWith("refs/heads/") ? "branch" : ref.startsWith("refs/tags/") ? "tag" : undefined;
    if (!kind) continue;
    const old = before.get(ref);
    const now = after.get(ref);
    if (old === now) continue;
    changes.push({
      ref,
      shortName: ref.slice(kind === "branch" ? "refs/heads/".length : "refs/tags/".length),
      kind,
      before: old ?? ZERO_SHA,
      after: now ?? ZERO_SHA,
      change: old === undefined ? "create" : now === undefined ? "delete" : "update",
    });
  }
  return changes;
}
