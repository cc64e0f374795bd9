import { readCommit, resolveCommit, revList } from "./bare-repo.js";
import type { ForgeCore, OutgoingEvent } from "./forge-dialect.js";
import type { RepoRecord, UserRecord } from "./forge-state.js";
import type { HookRecord } from "./forge-types.js";
import { giteaPayloadCommit, giteaRepo, giteaUser } from "./gitea-json.js";
import { ZERO_SHA, type RefChange } from "./ref-changes.js";
import { hmacHex } from "./webhook-signature.js";

// What Gitea sends for a push (shared/forge/gitea-webhook-push.md):
// `create` then `push` for a new branch, only `delete` for a deleted
// branch, `push` (+ `create`/`delete`) for tags. Commits newest first, cut
// to 5 (FEED_MAX_COMMIT_NUM); a new branch looks at its 10 newest.

const FEED_MAX_COMMITS = 5;
const NEW_BRANCH_COMMITS = 10;

export async function giteaPushEvents(core: ForgeCore, repo: RepoRecord, pusher: UserRecord, changes: readonly RefChange[]): Promise<OutgoingEvent[]> {
  // Webhooks render the repository with owner rights and users without a viewer.
  const repository = giteaRepo(core, repo, "owner", { placeholderEmail: true });
  const sender = giteaUser(core, pusher.login, { placeholderEmail: true });
  const events: OutgoingEvent[] = [];
  for (const change of changes) {
    if (change.kind === "branch" && change.change === "delete") {
      events.push({ event: "delete", change, payload: { ref: change.shortName, ref_type: "branch", pusher_type: "user", repository, sender } });
      continue;
    }
    const push = { event: "push", change, payload: await pushPayload(core, repo, change, repository, sender) };
    if (change.change === "create") {
      const create = { event: "create", change, payload: { sha: change.after, ref: change.shortName, ref_type: change.kind, repository, sender } };
      events.push(...(change.kind === "branch" ? [create, push] : [push, create]));
    } else if (change.change === "delete") {
      events.push(push, { event: "delete", change, payload: { ref: change.shortName, ref_type: "tag", pusher_type: "user", repository, sender } });
    } else events.push(push);
  }
  return events;
}

async function pushPayload(core: ForgeCore, repo: RepoRecord, change: RefChange, repository: unknown, sender: unknown): Promise<Record<string, unknown>> {
  let ids: string[] = [];
  if (change.kind === "branch") {
    ids = change.change === "create" ? await revList(repo.dir, [change.after], NEW_BRANCH_COMMITS) : await revList(repo.dir, [change.after, `^${change.before}`]);
  }
  const shown = ids.slice(0, FEED_MAX_COMMITS);
  const commits = await Promise.all(shown.map(async (id) => giteaPayloadCommit(core, core.state, repo, await readCommit(repo.dir, id))));
  const headSha = change.after === ZERO_SHA ? undefined : await resolveCommit(repo.dir, change.after);
  const headCommit = headSha ? giteaPayloadCommit(core, core.state, repo, await readCommit(repo.dir, headSha)) : null;
  return {
    ref: change.ref,
    before: change.before,
    after: change.after,
    compare_url: await compareUrl(core, repo, change, shown),
    commits,
    total_commits: ids.length,
    head_commit: headCommit,
    repository,
    pusher: sender,
    sender,
  };
}

/** ROOT_URL + owner/repo/compare/old...new; a new branch compares from its oldest listed commit's parent; else just ROOT_URL. */
async function compareUrl(core: ForgeCore, repo: RepoRecord, change: RefChange, shown: readonly string[]): Promise<string> {
  if (change.kind !== "branch" || change.change === "delete" || shown.length === 0) return core.url;
  let old: string | undefined = change.before;
  if (change.change === "create") old = await resolveCommit(repo.dir, `${shown[shown.length - 1] ?? ""}^`);
  return old ? `${core.url}${repo.owner}/${repo.name}/compare/${old}...${change.after}` : core.url;
}

/** Go's MarshalIndent(p, "", "  "): two-space indent, no trailing newline, HTML characters escaped. */
export function giteaSerialise(payload: unknown): string {
  return JSON.stringify(payload, null, 2).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

export function giteaDeliveryHeaders(forgejo: boolean, hook: HookRecord, event: string, body: string, deliveryId: string): Record<string, string> {
  const sha256 = hmacHex("sha256", hook.secret, body);
  const headers: Record<string, string> = {};
  const brands = forgejo ? ["Forgejo", "Gitea", "Gogs", "GitHub"] : ["Gitea", "Gogs", "GitHub"];
  for (const brand of brands) {
    headers[`X-${brand}-Delivery`] = deliveryId;
    headers[`X-${brand}-Event`] = event;
    headers[`X-${brand}-Event-Type`] = event;
  }
  for (const brand of forgejo ? ["Forgejo", "Gitea", "Gogs"] : ["Gitea", "Gogs"]) headers[`X-${brand}-Signature`] = sha256;
  headers["X-Hub-Signature-256"] = `sha256=${sha256}`;
  headers["X-Hub-Signature"] = `sha1=${hmacHex("sha1", hook.secret, body)}`;
  if (!forgejo) {
    const target = hook.scope.kind;
    headers["X-Gitea-Hook-Installation-Target-Type"] = target;
    headers["X-GitHub-Hook-Installation-Target-Type"] = target;
  }
  if (hook.authorizationHeader) headers.Authorization = hook.authorizationHeader;
  return headers;
}
