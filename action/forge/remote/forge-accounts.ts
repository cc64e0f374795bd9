import { sha256 } from "../../../core/hash.js";
import type { Db } from "../../action-db.js";
import { localRefusal, type Accounts, type Permission } from "../../users/accounts.js";
import { USER_NAME_PATTERN } from "../../users/names.js";
import { checkToken, findUser, type User } from "../../users/user-store.js";
import type { ForgeClient } from "./forge-client.js";

/** How long a forge's answer is trusted: short, so a revoked token or permission stops working soon. */
const TOKEN_TTL_MS = 5 * 60 * 1000;
const PERMISSION_TTL_MS = 60 * 1000;
const MAX_CACHED = 10_000;

/**
 * Accounts from the forge: a student's forge personal access token is their
 * ailab token (checked with the forge's GET /user, as that token), and
 * what they may do with a repository is the forge's permission (read to see
 * and pull, write to cancel), asked as the bot. Both answers are cached
 * briefly, keyed by the token's hash (the token itself is not kept). Tokens
 * made by `ailab-action user add` keep working, for admins and scripts. A
 * forge site admin, or a local ailab admin of the same name, is an admin.
 */
export function createForgeAccounts(deps: { db: Db; client: ForgeClient; now: () => number }): Accounts {
  const tokens = new TtlCache<User | null>(TOKEN_TTL_MS, deps.now);
  const permissions = new TtlCache<Permission>(PERMISSION_TTL_MS, deps.now);
  return {
    async authenticate(token) {
      const local = checkToken(deps.db, token);
      if ("user" in local) return local.user;
      // An ailab token that expired or was revoked is not asked about at the forge.
      if (local.refused !== "unknown") return undefined;
      if (token.length > 512 || /\s/.test(token)) return undefined;
      const key = sha256(token);
      const cached = tokens.get(key);
      if (cached !== undefined) return cached ?? undefined;
      const forgeUser = await deps.client.authenticatedUser(token);
      const login = forgeUser?.login.toLowerCase();
      const user = forgeUser && login && USER_NAME_PATTERN.test(login) ? { name: login, admin: forgeUser.admin || findUser(deps.db, login)?.admin === true } : null;
      tokens.set(key, user);
      return user ?? undefined;
    },
    async permission(user, repo) {
      if (user.admin) return "admin";
      const key = `${user.name}\n${repo.toLowerCase()}`;
      const cached = permissions.get(key);
      if (cached !== undefined) return cached;
      const permission = await deps.client.permission(user.name, repo);
      permissions.set(key, permission);
      return permission;
    },
    refusal: (token) => localRefusal(deps.db, token),
  };
}

/** A small map whose entries expire; the oldest go first when it is full. */
class TtlCache<T> {
  private readonly entries = new Map<string, { value: T; until: number }>();
  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  get(key: string): T | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.until > this.now()) return entry.value;
    this.entries.delete(key);
    return undefined;
  }

  set(key: string, value: T): void {
    if (this.entries.size >= MAX_CACHED) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { value, until: this.now() + this.ttlMs });
  }
}
