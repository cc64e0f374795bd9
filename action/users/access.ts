import type { Db } from "../action-db.js";
import { findGrant, type User } from "./user-store.js";

/**
 * Who may do what with a repository ("owner/name"): its owner and admins
 * everything; a grantee reads, and pushes when the grant says write.
 */
export function canRead(db: Db, user: User, repo: string): boolean {
  return user.admin || isOwner(user, repo) || findGrant(db, user.name, repo) !== undefined;
}

export function canWrite(db: Db, user: User, repo: string): boolean {
  return user.admin || isOwner(user, repo) || findGrant(db, user.name, repo) === "write";
}

export function isOwner(user: User, repo: string): boolean {
  return repo.startsWith(`${user.name}/`);
}
