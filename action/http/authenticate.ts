import type { IncomingMessage } from "node:http";
import type { Accounts } from "../users/accounts.js";
import type { User } from "../users/user-store.js";
import { tokenFromRequest } from "./credentials.js";

/** Who a request is, or why not (the text of the 401: no token, an unknown, expired or revoked one). */
export type Authentication = { user: User } | { user?: undefined; reason: string };

/** The user whose token the request carries (Bearer or Basic), or why there is none. */
export async function authenticate(accounts: Accounts, req: IncomingMessage): Promise<Authentication> {
  const token = tokenFromRequest(req);
  if (token === undefined) return { reason: "a valid token is required (Authorization: Bearer <token>)" };
  const user = await accounts.authenticate(token);
  return user ? { user } : { reason: accounts.refusal(token) };
}
