import { randomBytes, randomUUID } from "node:crypto";
import type { AddUserOptions, HookRecord, Permission, ReleaseRecord, StatusRow, StatusState } from "./forge-types.js";

// The fake forge's memory: accounts, repositories and what the API wrote.
// Both dialects share it; how each renders it as JSON lives in their own
// modules. Git data itself stays in the bare repositories.

export interface UserRecord {
  id: number;
  login: string;
  fullName: string;
  email: string;
  admin: boolean;
  password: string;
  tokens: string[];
  createdAt: string;
}

export interface OrgRecord {
  id: number;
  name: string;
  owners: Set<string>;
  createdAt: string;
}

export interface RepoRecord {
  id: number;
  owner: string;
  name: string;
  private: boolean;
  defaultBranch: string;
  /** The bare repository's folder. */
  dir: string;
  collaborators: Map<string, "read" | "write" | "admin" | "none">;
  statuses: StatusRow[];
  releases: ReleaseRecord[];
  createdAt: string;
}

const LEVEL: Record<Permission, number> = { none: 0, read: 1, write: 2, admin: 3, owner: 4 };

/** True when `have` is at least `need`. */
export function permits(have: Permission, need: Permission): boolean {
  return LEVEL[have] >= LEVEL[need];
}

/**
 * The combined state of the latest status per context, as the brief and
 * Gitea ≥ 1.25 have it: any error/failure → failure; all
 * success/warning/skipped → success; otherwise (or none at all) pending.
 */
export function combineStates(rows: readonly StatusRow[]): StatusState {
  const latest = latestPerContext(rows);
  if (latest.length === 0) return "pending";
  if (latest.some((r) => r.state === "error" || r.state === "failure")) return "failure";
  if (latest.every((r) => r.state === "success" || r.state === "warning" || r.state === "skipped")) return "success";
  return "pending";
}

/** The newest row of each context, newest first (what combined status lists). */
export function latestPerContext(rows: readonly StatusRow[]): StatusRow[] {
  const seen = new Map<string, StatusRow>();
  for (const row of [...rows].reverse()) if (!seen.has(row.context)) seen.set(row.context, row);
  return [...seen.values()];
}

export function now(): string {
  // Whole seconds, as both forges render times.
  return new Date(Math.floor(Date.now() / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

export function newToken(): string {
  return randomBytes(20).toString("hex");
}

export class ForgeState {
  readonly users = new Map<string, UserRecord>();
  readonly orgs = new Map<string, OrgRecord>();
  /** Key `owner/name`, lower-cased like the forges' lookups. */
  readonly repos = new Map<string, RepoRecord>();
  readonly hooks: HookRecord[] = [];
  private nextId = { account: 1, repo: 1, status: 1, release: 1, asset: 1, hook: 1 };

  id(kind: keyof ForgeState["nextId"]): number {
    return this.nextId[kind]++;
  }

  addUser(login: string, options: AddUserOptions = {}): UserRecord {
    if (this.users.has(login) || this.orgs.has(login)) throw new Error(`fake forge: ${login} already exists`);
    const user: UserRecord = {
      id: this.id("account"),
      login,
      fullName: options.fullName ?? "",
      email: options.email ?? `${login}@example.org`,
      admin: options.admin ?? false,
      password: options.password ?? `pw-${randomUUID()}`,
      tokens: [newToken()],
      createdAt: now(),
    };
    this.users.set(login, user);
    return user;
  }

  addOrg(name: string, owners: string[]): OrgRecord {
    if (this.users.has(name) || this.orgs.has(name)) throw new Error(`fake forge: ${name} already exists`);
    for (const owner of owners) this.user(owner);
    const org: OrgRecord = { id: this.id("account"), name, owners: new Set(owners), createdAt: now() };
    this.orgs.set(name, org);
    return org;
  }

  user(login: string): UserRecord {
    const user = this.users.get(login);
    if (!user) throw new Error(`fake forge: no user ${login}`);
    return user;
  }

  /** The account (user or org) id and kind for an owner name, or undefined. */
  account(name: string): { id: number; kind: "user" | "org"; createdAt: string } | undefined {
    const user = this.users.get(name);
    if (user) return { id: user.id, kind: "user", createdAt: user.createdAt };
    const org = this.orgs.get(name);
    return org && { id: org.id, kind: "org", createdAt: org.createdAt };
  }

  repo(owner: string, name: string): RepoRecord | undefined {
    return this.repos.get(`${owner}/${name}`.toLowerCase());
  }

  mustRepo(owner: string, name: string): RepoRecord {
    const repo = this.repo(owner, name);
    if (!repo) throw new Error(`fake forge: no repository ${owner}/${name}`);
    return repo;
  }

  /** Who a token or password belongs to; Basic auth accepts either as the password. */
  userByToken(token: string): UserRecord | undefined {
    for (const user of this.users.values()) if (user.tokens.includes(token)) return user;
    return undefined;
  }

  /**
   * What `login` may do on `repo`: the owner (or an org owner) owns it, a site
   * admin administers every repo, then an explicit collaborator grant, then
   * read on a public repository for anyone (anonymous included).
   */
  permission(login: string | undefined, repo: RepoRecord): Permission {
    if (login !== undefined) {
      if (repo.owner === login) return "owner";
      if (this.orgs.get(repo.owner)?.owners.has(login)) return "owner";
      if (this.users.get(login)?.admin) return "admin";
      const granted = repo.collaborators.get(login);
      if (granted && granted !== "none") return granted;
    }
    return repo.private ? "none" : "read";
  }

  /** Every repository of an owner (user or org), oldest first. */
  reposOf(owner: string): RepoRecord[] {
    return [...this.repos.values()].filter((r) => r.owner === owner);
  }
}
