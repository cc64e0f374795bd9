import type { IncomingHttpHeaders } from "node:http";
import type { ForgeState, UserRecord } from "./forge-state.js";

// Who is asking, the way Gitea's auth chain reads it: `token X` and
// `Bearer X` (any case), HTTP Basic with a password or with a token in
// either half (git sends `x:<token>` or `<login>:<token>`), and on Gitea a
// `token`/`access_token` query parameter.

export type AuthResult = { user: UserRecord | undefined } | { error: string };

export function authenticate(state: ForgeState, headers: IncomingHttpHeaders, query: URLSearchParams, queryParams: readonly string[]): AuthResult {
  const header = headers.authorization;
  if (header) {
    const space = header.indexOf(" ");
    const scheme = (space < 0 ? header : header.slice(0, space)).toLowerCase();
    const value = space < 0 ? "" : header.slice(space + 1).trim();
    if (scheme === "token" || scheme === "bearer") return byToken(state, value);
    if (scheme === "basic") return byBasic(state, value);
    return { error: `unsupported authorization scheme ${scheme}` };
  }
  for (const name of queryParams) {
    const token = query.get(name);
    if (token) return byToken(state, token);
  }
  return { user: undefined };
}

function byToken(state: ForgeState, token: string): AuthResult {
  const user = state.userByToken(token);
  return user ? { user } : { error: "invalid token" };
}

function byBasic(state: ForgeState, encoded: string): AuthResult {
  const text = Buffer.from(encoded, "base64").toString("utf8");
  const colon = text.indexOf(":");
  const login = colon < 0 ? text : text.slice(0, colon);
  const secret = colon < 0 ? "" : text.slice(colon + 1);
  const user = state.users.get(login);
  if (user && secret !== "" && secret === user.password) return { user };
  // Like Gitea: an empty password or x-oauth-basic means the token is the user name.
  const token = secret === "" || secret === "x-oauth-basic" ? login : secret;
  const owner = state.userByToken(token);
  return owner ? { user: owner } : { error: "invalid username, password or token" };
}
