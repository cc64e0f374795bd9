// The shape every fake forge (Gitea, Forgejo, GitHub) shows to tests.
// Only test/ imports this: the fakes stand in for a real forge in
// integration tests and never ship.

/** A repository permission, lowest first. `owner` is Gitea's name for the owner's own repos. */
export type Permission = "none" | "read" | "write" | "admin" | "owner";

/** Commit-status states across both forges (GitHub knows only the first four). */
export type StatusState = "pending" | "success" | "error" | "failure" | "warning" | "skipped";

export interface FakeUser {
  id: number;
  login: string;
  /** A personal access token made with the user; more with `addToken`. */
  token: string;
  /** Works for HTTP Basic (git and API), like a real account's password. */
  password: string;
}

export interface FakeRepoInfo {
  id: number;
  /** What `git clone` takes, without credentials: `<url>owner/name.git`. */
  cloneUrl: string;
  htmlUrl: string;
}

export interface StatusRow {
  /** Global row id (GitHub's status id). */
  id: number;
  /** 1, 2, … per commit (Gitea's status id counts per commit). */
  index: number;
  sha: string;
  state: StatusState;
  context: string;
  description: string;
  targetUrl: string;
  creator: string;
  createdAt: string;
}

export interface AssetRecord {
  id: number;
  uuid: string;
  name: string;
  contentType: string;
  bytes: Buffer;
  createdAt: string;
  downloadCount: number;
}

export interface ReleaseRecord {
  id: number;
  tagName: string;
  targetCommitish: string;
  name: string;
  body: string;
  draft: boolean;
  prerelease: boolean;
  author: string;
  createdAt: string;
  assets: AssetRecord[];
}

export interface HookRecord {
  id: number;
  /** `owner/repo` for a repository hook, the org name for an organisation hook. */
  scope: { kind: "repository"; owner: string; repo: string } | { kind: "organization"; org: string };
  /** `gitea` (Gitea) or `web` (GitHub). */
  type: string;
  url: string;
  contentType: string;
  secret: string;
  events: string[];
  active: boolean;
  branchFilter: string;
  authorizationHeader: string;
  createdAt: string;
  updatedAt: string;
}

export type DeliveryOutcome =
  | { ok: true; status: number }
  | { ok: false; status?: number; error: string };

export interface DeliveryRecord {
  /** Position in `deliveries`; what `redeliver` takes. */
  index: number;
  hookId: number;
  url: string;
  event: string;
  deliveryId: string;
  headers: Record<string, string>;
  /** The exact bytes sent (and signed). */
  body: string;
  outcome: DeliveryOutcome;
  /** The index this one replays, for a redelivery. */
  redeliveryOf?: number;
}

export interface RequestRecord {
  method: string;
  /** Path with the query string. */
  path: string;
  status: number;
  /** The spec operation, for API requests that matched one. */
  operationId?: string;
}

/** A whole release with its assets' bytes, for assertions. */
export type ReleaseView = ReleaseRecord;

export interface AddUserOptions {
  admin?: boolean;
  fullName?: string;
  email?: string;
  password?: string;
}

export interface FakeForgeOptions {
  /** Largest release asset accepted (413 beyond). Default 64 MiB. */
  maxAssetBytes?: number;
  /** How long a webhook receiver may take before the delivery fails. Default 5000 ms (Gitea's DELIVER_TIMEOUT). */
  deliverTimeoutMs?: number;
}

/**
 * A running fake forge. Everything is in memory except the git repositories,
 * which are real bare repos in a temp folder served by `git http-backend`.
 */
export interface FakeForge {
  /** ROOT_URL: `http://127.0.0.1:<port>/`, always ending in `/` as Gitea's does. */
  readonly url: string;
  /** The REST base URL to give octokit: `<url>api/v1` (Gitea) or `<url>api/v3` (GitHub). */
  readonly apiUrl: string;
  /** GitHub only: `<url>api/uploads` (GHES layout); equal to apiUrl for Gitea. */
  readonly uploadUrl: string;
  /** Spec violations by requests or responses, as "METHOD /path: what failed". Tests assert it is empty. */
  readonly violations: string[];
  readonly deliveries: DeliveryRecord[];
  readonly requests: RequestRecord[];

  addUser(login: string, options?: AddUserOptions): FakeUser;
  addToken(login: string): string;
  addOrg(name: string, options: { owners: string[] }): { id: number; name: string };
  addRepo(owner: string, name: string, options?: { private?: boolean; defaultBranch?: string }): FakeRepoInfo;
  setPermission(owner: string, repo: string, login: string, permission: "read" | "write" | "admin" | "none"): void;

  statuses(owner: string, repo: string, sha: string): StatusRow[];
  combinedState(owner: string, repo: string, sha: string): StatusState;
  releases(owner: string, repo: string): ReleaseView[];
  hooks(owner: string, repo?: string): HookRecord[];
  /** The bare repository's folder, to inspect it with git. */
  repoDir(owner: string, repo: string): string;

  /** While down, every API and git request is answered 503 (the connection stays up). */
  setDown(down: boolean): void;
  /** While dropping, deliveries are recorded as failed and never sent. */
  dropDeliveries(drop: boolean): void;
  /** Sends a recorded delivery's body again (Gitea: new delivery id; GitHub: same GUID). */
  redeliver(deliveryIndex: number): Promise<DeliveryRecord>;
  /** Resolves once every webhook caused so far has been delivered (or has failed). */
  settled(): Promise<void>;
  /**
   * Test-only: rewrites the next API response body before it is validated and
   * sent, to prove the response validator catches a bad one.
   */
  injectResponse(rewrite: (body: unknown, operationId: string) => unknown): void;

  stop(): Promise<void>;
}
