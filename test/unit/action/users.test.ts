import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { openActionDb } from "../../../action/action-db.js";
import { canRead, canWrite } from "../../../action/users/access.js";
import { TOKEN_PATTERN } from "../../../action/users/tokens.js";
import { addUser, findUserByToken, grantAccess, issueToken } from "../../../action/users/user-store.js";
import { tempDir } from "../../helpers/temp-dir.js";

test("tokens are shown once and only their hash is stored", async (t) => {
  const dir = await tempDir(t);
  const db = openActionDb(dir);
  const token = addUser(db, "alice");
  assert.match(token, TOKEN_PATTERN);
  const second = issueToken(db, "alice");
  assert.notEqual(second, token);
  assert.deepEqual(findUserByToken(db, token), { name: "alice", admin: false });
  assert.deepEqual(findUserByToken(db, second), { name: "alice", admin: false });
  const wrong = token.slice(0, -1) + (token.endsWith("0") ? "1" : "0");
  assert.equal(findUserByToken(db, wrong), undefined);
  assert.equal(findUserByToken(db, "not a token"), undefined);
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.close();
  const bytes = readFileSync(join(dir, "action.db")).toString("latin1");
  assert.equal(bytes.includes(token), false, "the token is not in the database file");
  assert.equal(bytes.includes(token.slice(6)), false);
});

test("names, duplicates and grants", async (t) => {
  const db = openActionDb(await tempDir(t));
  t.after(() => db.close());
  assert.throws(() => addUser(db, "Alice"), { code: "InvalidName" });
  assert.throws(() => addUser(db, "a/b"), { code: "InvalidName" });
  addUser(db, "alice");
  addUser(db, "bob");
  addUser(db, "root", { admin: true });
  assert.throws(() => addUser(db, "alice"), { code: "UserExists" });
  assert.throws(() => issueToken(db, "carol"), { code: "NoSuchUser" });
  assert.throws(() => grantAccess(db, "carol", { owner: "alice", name: "p" }, false), { code: "NoSuchUser" });

  const bob = { name: "bob", admin: false };
  assert.equal(canRead(db, bob, "alice/p"), false);
  grantAccess(db, "bob", { owner: "alice", name: "p" }, false);
  assert.equal(canRead(db, bob, "alice/p"), true);
  assert.equal(canWrite(db, bob, "alice/p"), false);
  grantAccess(db, "bob", { owner: "alice", name: "p" }, true);
  assert.equal(canWrite(db, bob, "alice/p"), true);
  assert.equal(canRead(db, bob, "alice/q"), false);
  assert.equal(canWrite(db, { name: "alice", admin: false }, "alice/anything"), true);
  assert.equal(canWrite(db, { name: "ali", admin: false }, "alice/anything"), false, "a prefix of the owner is not the owner");
  assert.equal(canWrite(db, { name: "root", admin: true }, "alice/p"), true);
});
