import type { Db } from "../action-db.js";
import { canRead, canWrite, isOwner } from "./access.js";
import { checkToken, describeRefusal, findUserByToken, type User } from "./user-store.js";

/** What a user may do with a repository, from least to most. */
export type Permission = "none" | "read" | "write" | "admin";
const ORDER: readonly Permission[] = ["none", "read", "write", "admin"];

/** True when `have` allows what `need` asks. */
export function allows(have: Permission, need: Permission): boolean {
  return ORDER.indexOf(have) >= ORDER.indexOf(need);
}

/**
 * Who a request is and what they may do with a repository. The built-in git
 * host answers from ailab's own users, tokens and grants; with a forge, the
 * forge's accounts and repository permissions decide (see
 * createForgeAccounts), so there is no second account to manage.
 */
export interface Accounts {
  /** The user a token belongs to, or undefined. */
  authenticate(token: string): Promise<User | undefined>;
  /** What `user` may do with `repo` ("owner/name"). */
  permission(user: User, repo: string): Promise<Permission>;
  /** Why `authenticate` refused a token, for the 401: an expired or revoked one says so. */
  refusal(token: string): string;
}

/** The 401 text for one of ailab's own tokens that `authenticate` refused. */
export function localRefusal(db: Db, token: string): string {
  const check = checkToken(db, token);
  return "user" in check ? describeRefusal({ refused: "unknown" }) : describeRefusal(check);
}

/** ailab's own: tokens from `ailab-action user add`, the owner by name, grants from `ailab-action grant`. */
export function builtinAccounts(db: Db): Accounts {
  return {
    authenticate: (token) => Promise.resolve(findUserByToken(db, token)),
    permission(user, repo) {
      if (user.admin || isOwner(user, repo)) return Promise.resolve("admin");
      if (canWrite(db, user, repo)) return Promise.resolve("write");
      return Promise.resolve(canRead(db, user, repo) ? "read" : "none");
    },
    refusal: (token) => localRefusal(db, token),
  };
}
