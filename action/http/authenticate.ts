import type { IncomingMessage } from "node:http";
import type { Accounts } from "../users/accounts.js";
import type { User } from "../users/user-store.js";
import { tokenFromRequest } from "./credentials.js";

/** The user whose token the request carries (Bearer or Basic), or undefined. */
export async function authenticate(accounts: Accounts, req: IncomingMessage): Promise<User | undefined> {
  const token = tokenFromRequest(req);
  return token === undefined ? undefined : accounts.authenticate(token);
}
