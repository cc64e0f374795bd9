import { isAncestor, readCommit, readRefs, resolveCommit, revList, type CommitInfo } from "./bare-repo.js";
import type { ForgeCore, OutgoingEvent } from "./forge-dialect.js";
import type { RepoRecord, UserRecord } from "./forge-state.js";
import type { HookRecord } from "./forge-types.js";
import { githubRepo, githubUser } from "./github-json.js";
import { ZERO_SHA, type RefChange } from "./ref-changes.js";
import { hmacHex } from "./webhook-signature.js";

// What GitHub sends for a push: always a `push` (a deleted branch too, with
// `deleted: true` and after = zeros), plus `create`/`delete` for new and
// removed refs. Shapes follow @octokit/webhooks-examples.

const MAX_COMMITS = 2048;

export async function githubPushEvents(core: ForgeCore, repo: RepoRecord, pusher: UserRecord, changes: readonly RefChange[]): Promise<OutgoingEvent[]> {
  const sender = githubUser(core, pusher.login);
  const events: OutgoingEvent[] = [];
  for (const change of changes) {
    const repository = pushRepository(core, repo);
    events.push({ event: "push", change, payload: await pushPayload(core, repo, change, pusher, repository, sender) });
    const plain = githubRepo(core, repo, "admin");
    if (change.change === "create") {
      events.push({
        event: "create",
        change,
        payload: { ref: change.shortName, ref_type: change.kind, master_branch: repo.defaultBranch, description: null, pusher_type: "user", repository: plain, sender },
      });
    } else if (change.change === "delete") {
      events.push({ event: "delete", change, payload: { ref: change.shortName, ref_type: change.kind, pusher_type: "user", repository: plain, sender } });
    }
  }
  return events;
}

/** The push payload's repository: unix times for created_at/pushed_at, and `stargazers`/`master_branch` (GitHub quirks). */
function pushRepository(core: ForgeCore, repo: RepoRecord): Record<string, unknown> {
  const base = githubRepo(core, repo, "admin");
  const { permissions: _dropped, ...rest } = base;
  const owner = core.state.users.get(repo.owner);
  return {
    ...rest,
    owner: { name: repo.owner, email: owner?.email ?? null, ...githubUser(core, repo.owner) },
    created_at: Math.floor(Date.parse(repo.createdAt) / 1000),
    pushed_at: Math.floor(Date.now() / 1000),
    stargazers: 0,
    master_branch: repo.defaultBranch,
  };
}

async function pushPayload(core: ForgeCore, repo: RepoRecord, change: RefChange, pusher: UserRecord, repository: unknown, sender: unknown): Promise<Record<string, unknown>> {
  const full = `${repo.owner}/${repo.name}`;
  let ids: string[] = [];
  if (change.change === "update") ids = await revList(repo.dir, [change.after, `^${change.before}`], MAX_COMMITS);
  else if (change.change === "create" && change.kind === "branch") {
    // A new branch lists only commits no other ref had.
    const others = [...(await readRefs(repo.dir))].filter(([ref]) => ref !== change.ref).map(([, sha]) => `^${sha}`);
    ids = await revList(repo.dir, [change.after, ...others], MAX_COMMITS);
  }
  const commits = await Promise.all(ids.reverse().map(async (id) => githubCommit(core, repo, await readCommit(repo.dir, id))));
  const headSha = change.after === ZERO_SHA ? undefined : await resolveCommit(repo.dir, change.after);
  const forced = change.change === "update" && !(await isAncestor(repo.dir, change.before, change.after));
  const short = (sha: string) => sha.slice(0, 12);
  const compare =
    change.change === "create" ? `${core.url}${full}/compare/${change.shortName}` : `${core.url}${full}/compare/${short(change.before)}...${short(change.after)}`;
  return {
    ref: change.ref,
    before: change.before,
    after: change.after,
    repository,
    pusher: { name: pusher.login, email: pusher.email },
    sender,
    created: change.change === "create",
    deleted: change.change === "delete",
    forced,
    base_ref: null,
    compare,
    // Oldest first, as GitHub's examples list them.
    commits,
    head_commit: headSha ? githubCommit(core, repo, await readCommit(repo.dir, headSha)) : null,
  };
}

function githubCommit(core: ForgeCore, repo: RepoRecord, commit: CommitInfo): Record<string, unknown> {
  const loginFor = (email: string) => [...core.state.users.values()].find((u) => u.email === email)?.login;
  const person = (p: CommitInfo["author"]) => {
    const username = loginFor(p.email);
    return { name: p.name, email: p.email, ...(username ? { username } : {}) };
  };
  return {
    id: commit.id,
    tree_id: commit.tree,
    distinct: true,
    message: commit.message,
    timestamp: commit.committer.date,
    url: `${core.url}${repo.owner}/${repo.name}/commit/${commit.id}`,
    author: person(commit.author),
    committer: person(commit.committer),
    added: commit.added,
    removed: commit.removed,
    modified: commit.modified,
  };
}

export function githubDeliveryHeaders(hook: HookRecord, event: string, body: string, deliveryId: string): Record<string, string> {
  const headers: Record<string, string> = {
    "User-Agent": "GitHub-Hookshot/fake",
    "X-GitHub-Event": event,
    "X-GitHub-Delivery": deliveryId,
    "X-GitHub-Hook-ID": String(hook.id),
    "X-GitHub-Hook-Installation-Target-Type": hook.scope.kind,
  };
  // GitHub signs only when the hook has a secret.
  if (hook.secret) {
    headers["X-Hub-Signature-256"] = `sha256=${hmacHex("sha256", hook.secret, body)}`;
    headers["X-Hub-Signature"] = `sha1=${hmacHex("sha1", hook.secret, body)}`;
  }
  return headers;
}
