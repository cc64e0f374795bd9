import assert from "node:assert/strict";
import { test } from "node:test";
import { openActionDb } from "../../../action/action-db.js";
import { canRead } from "../../../action/users/access.js";
import { listUsers } from "../../../action/users/list-users.js";
import { parseExpiry } from "../../../action/users/parse-expiry.js";
import { revokeGrant, revokeToken, revokeUserTokens } from "../../../action/users/revoke-access.js";
import { hashToken } from "../../../action/users/tokens.js";
import { addUser, checkToken, describeRefusal, grantAccess, issueToken } from "../../../action/users/user-store.js";
import { tempDir } from "../../helpers/temp-dir.js";

const T0 = new Date("2026-01-01T00:00:00Z");
const hours = (n: number) => new Date(T0.getTime() + n * 3600_000);

test("an expiring token works until its time, then is refused as expired", async (t) => {
  const db = openActionDb(await tempDir(t));
  addUser(db, "alice", { now: T0 });
  const token = issueToken(db, "alice", T0, { expiresAt: parseExpiry("12h", T0) });
  assert.deepEqual(checkToken(db, token, hours(11)), { user: { name: "alice", admin: false } });
  const late = checkToken(db, token, hours(12));
  assert.deepEqual(late, { refused: "expired", since: "2026-01-01T12:00:00.000Z" });
  assert.match(describeRefusal(late), /expired at 2026-01-01T12:00:00.000Z/);
  db.close();
});

test("user revoke stops every token of the user at once and no one else's", async (t) => {
  const db = openActionDb(await tempDir(t));
  const first = addUser(db, "alice");
  const second = issueToken(db, "alice");
  const bob = addUser(db, "bob");
  assert.equal(revokeUserTokens(db, "alice", T0), 2);
  assert.deepEqual(checkToken(db, first), { refused: "revoked", since: T0.toISOString() });
  assert.deepEqual(checkToken(db, second), { refused: "revoked", since: T0.toISOString() });
  assert.ok("user" in checkToken(db, bob));
  assert.equal(revokeUserTokens(db, "alice"), 0, "nothing left to revoke");
  assert.throws(() => revokeUserTokens(db, "nobody"), { code: "NoSuchUser" });
  db.close();
});

test("token revoke names a token by id, by its prefix or whole; an ambiguous or unknown name revokes nothing", async (t) => {
  const db = openActionDb(await tempDir(t));
  const tokens = [addUser(db, "alice"), ...Array.from({ length: 9 }, () => issueToken(db, "alice"))];
  assert.throws(() => revokeToken(db, "ailab_"), { code: "BadTokenName" });
  assert.throws(() => revokeToken(db, "ffffffffffff"), { code: "NoSuchToken" });
  // Two ids that start alike (made so: real ones rarely share six digits).
  for (const token of tokens.slice(0, 2)) {
    const hash = hashToken(token);
    db.prepare("UPDATE tokens SET hash = ? WHERE hash = ?").run(`abcdef${hash.slice(6)}`, hash);
  }
  assert.throws(() => revokeToken(db, "abcdef"), { code: "AmbiguousToken" });
  assert.equal(listUsers(db)[0]!.liveTokens, 10, "nothing was revoked");

  const byPrefix = tokens[5]!;
  assert.equal(revokeToken(db, byPrefix.slice(0, "ailab_".length + 8)).user, "alice");
  assert.equal((checkToken(db, byPrefix) as { refused?: string }).refused, "revoked");
  revokeToken(db, tokens[6]!);
  assert.ok(!("user" in checkToken(db, tokens[6]!)));
  assert.ok("user" in checkToken(db, tokens[7]!));
  db.close();
});

test("user list counts live and issued tokens and the last use; grant --revoke takes a grant back", async (t) => {
  const db = openActionDb(await tempDir(t));
  const alice = addUser(db, "alice", { now: T0 });
  issueToken(db, "alice", T0, { expiresAt: hours(1) });
  addUser(db, "root", { admin: true, now: T0 });
  checkToken(db, alice, hours(0.5));
  assert.deepEqual(listUsers(db, hours(2)), [
    { name: "alice", admin: false, createdAt: T0.toISOString(), liveTokens: 1, allTokens: 2, lastUsedAt: hours(0.5).toISOString() },
    { name: "root", admin: true, createdAt: T0.toISOString(), liveTokens: 1, allTokens: 1, lastUsedAt: null },
  ]);
  grantAccess(db, "root", { owner: "alice", name: "proj" }, false);
  addUser(db, "bob");
  grantAccess(db, "bob", { owner: "alice", name: "proj" }, true);
  assert.equal(revokeGrant(db, "bob", { owner: "alice", name: "proj" }), true);
  assert.equal(canRead(db, { name: "bob", admin: false }, "alice/proj"), false);
  assert.equal(revokeGrant(db, "bob", { owner: "alice", name: "proj" }), false);
  db.close();
});

test("--expires takes hours, days or weeks and quotes anything else back", () => {
  assert.equal(parseExpiry("30d", T0).toISOString(), "2026-01-31T00:00:00.000Z");
  assert.equal(parseExpiry("2w", T0).toISOString(), "2026-01-15T00:00:00.000Z");
  for (const bad of ["0d", "30", "1y", "-1d", ""]) assert.throws(() => parseExpiry(bad, T0), { code: "ConfigError" });
});
