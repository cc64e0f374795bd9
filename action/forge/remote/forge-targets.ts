import type { Db } from "../../action-db.js";

/** A repository ("owner/name") or an organisation whose repositories the action watches. */
export interface ForgeTarget {
  target: string;
  kind: "org" | "repo";
  hookId: number | null;
}

/** Remembers a target (hooked by `ailab-action forge hook`, or seen in a delivery); a hook id, once known, is kept. */
export function addForgeTarget(db: Db, target: string, kind: "org" | "repo", hookId: number | null, now: string): void {
  db.prepare(
    `INSERT INTO forge_targets (target, kind, hook_id, added_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (target) DO UPDATE SET hook_id = COALESCE(excluded.hook_id, forge_targets.hook_id)`,
  ).run(target, kind, hookId, now);
}

export function listForgeTargets(db: Db): ForgeTarget[] {
  return db.prepare("SELECT target, kind, hook_id AS hookId FROM forge_targets ORDER BY target").all() as ForgeTarget[];
}
