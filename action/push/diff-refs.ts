/** A branch that moved: `after` null means it was deleted, `before` null that it is new. */
export interface PushEvent {
  /** "owner/name" */
  repo: string;
  ref: string;
  before: string | null;
  after: string | null;
  pusher: string;
}

/**
 * Compares the refs as last stored with the refs now; one event per ref that
 * changed, credited to `pusherOf(ref, commit)` (the commit the ref moved to,
 * or the one it was deleted at). Pure.
 */
export function diffRefs(
  repo: string,
  stored: ReadonlyMap<string, string>,
  current: ReadonlyMap<string, string>,
  pusherOf: (ref: string, commit: string) => string,
): PushEvent[] {
  const events: PushEvent[] = [];
  const refs = [...new Set([...stored.keys(), ...current.keys()])].sort();
  for (const ref of refs) {
    const before = stored.get(ref) ?? null;
    const after = current.get(ref) ?? null;
    if (before !== after) events.push({ repo, ref, before, after, pusher: pusherOf(ref, (after ?? before)!) });
  }
  return events;
}
