import type { IncomingMessage } from "node:http";
import type { Db } from "../action-db.js";
import { findUserByToken, type User } from "../users/user-store.js";
import { tokenFromRequest } from "./credentials.js";

/** The user whose token the request carries (Bearer or Basic), or undefined. */
export function authenticate(db: Db, req: IncomingMessage): User | undefined {
  const token = tokenFromRequest(req);
  return token === undefined ? undefined : findUserByToken(db, token);
}
