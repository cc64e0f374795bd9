import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";
import { openActionDb } from "../../../action/action-db.js";
import { findUserByToken } from "../../../action/users/user-store.js";
import { packageRoot } from "../../../core/package-root.js";
import { tempDir } from "../../helpers/temp-dir.js";

const BIN = join(packageRoot(), "dist", "action", "main.js");

function run(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", env: { PATH: process.env.PATH ?? "", ...env } });
}

test("ailab-action user add prints a token once; grant and user token work on the same data folder", async (t) => {
  const dir = await tempDir(t);
  const added = run(["user", "add", "alice", "--data-dir", dir]);
  assert.equal(added.status, 0, added.stderr);
  const token = added.stdout.trim();
  assert.match(token, /^ailab_[0-9a-f]{40}$/);
  assert.equal(run(["user", "add", "bob"], { AILAB_ACTION_DIR: dir }).status, 0);
  const granted = run(["grant", "bob", "alice/proj", "--write", "--data-dir", dir]);
  assert.equal(granted.status, 0, granted.stderr);
  const second = run(["user", "token", "alice", "--data-dir", dir]).stdout.trim();
  const db = openActionDb(dir);
  assert.equal(findUserByToken(db, token)?.name, "alice");
  assert.equal(findUserByToken(db, second)?.name, "alice");
  db.close();

  const again = run(["user", "add", "alice", "--data-dir", dir]);
  assert.equal(again.status, 1);
  assert.match(again.stderr, /exists already/);
  const badName = run(["user", "add", "Bad", "--data-dir", dir]);
  assert.equal(badName.status, 1);
  assert.match(badName.stderr, /"Bad" must match/);
});

test("ailab-action --help is truthful and serve refuses a bad configuration", async (t) => {
  const help = run(["--help"]);
  assert.equal(help.status, 0);
  for (const word of ["serve", "user", "grant"]) assert.match(help.stdout, new RegExp(`\\b${word}\\b`));
  const dir = await tempDir(t);
  const serve = run(["serve", "--data-dir", dir, "--relay-dir", dir, "--listen", "nowhere"], { AILAB_SECRET: "0123456789abcdef0123" });
  assert.equal(serve.status, 1);
  assert.match(serve.stderr, /"nowhere" is not of the form HOST:PORT/);
});

test("ailab-action user list, user revoke, token revoke, grant --revoke and --expires on the same data folder", async (t) => {
  const dir = await tempDir(t);
  const alice = run(["user", "add", "alice", "--data-dir", dir]).stdout.trim();
  const bob = run(["user", "add", "bob", "--admin", "--data-dir", dir]).stdout.trim();
  const issued = run(["user", "token", "alice", "--expires", "30d", "--data-dir", dir]);
  assert.equal(issued.status, 0, issued.stderr);
  const [, id] = /token ([0-9a-f]{12}), expires (\S+)/.exec(issued.stderr) ?? [];
  assert.ok(id, issued.stderr);
  const later = issued.stdout.trim();
  assert.equal(run(["user", "token", "alice", "--expires", "soon", "--data-dir", dir]).status, 1, "a bad duration is refused");

  const listed = run(["user", "list", "--json", "--data-dir", dir]);
  assert.equal(listed.status, 0, listed.stderr);
  const users = JSON.parse(listed.stdout) as { name: string; admin: boolean; liveTokens: number; allTokens: number }[];
  assert.deepEqual(users.map((u) => [u.name, u.admin, u.liveTokens, u.allTokens]), [["alice", false, 2, 2], ["bob", true, 1, 1]]);
  assert.match(run(["user", "list", "--data-dir", dir]).stdout, /^USER +ADMIN +TOKENS\(LIVE\/ALL\) +CREATED +LAST USED\nalice +2\/2 /);

  const one = run(["token", "revoke", id, "--data-dir", dir]);
  assert.equal(one.status, 0, one.stderr);
  const byPrefix = run(["token", "revoke", bob.slice(0, "ailab_".length + 6), "--data-dir", dir]);
  assert.equal(byPrefix.status, 0, byPrefix.stderr);
  assert.match(byPrefix.stderr, /of bob/);
  const db = openActionDb(dir);
  assert.equal(findUserByToken(db, later), undefined, "revoked by id");
  assert.equal(findUserByToken(db, bob), undefined, "revoked by prefix");
  assert.equal(findUserByToken(db, alice)?.name, "alice", "the others still work");
  db.close();

  run(["user", "token", "alice", "--data-dir", dir]);
  const all = run(["user", "revoke", "alice", "--data-dir", dir]);
  assert.equal(all.status, 0, all.stderr);
  assert.match(all.stderr, /revoked 2 tokens of alice/);
  const after = JSON.parse(run(["user", "list", "--json", "--data-dir", dir]).stdout) as { name: string; liveTokens: number }[];
  assert.equal(after.find((u) => u.name === "alice")?.liveTokens, 0);
  assert.equal(run(["token", "revoke", "ffffffffffff", "--data-dir", dir]).status, 1, "an unknown token id is an error");

  assert.equal(run(["grant", "bob", "alice/proj", "--data-dir", dir]).status, 0);
  const taken = run(["grant", "bob", "alice/proj", "--revoke", "--data-dir", dir]);
  assert.match(taken.stderr, /bob may no longer read or push to alice\/proj/);
  assert.match(run(["grant", "bob", "alice/proj", "--revoke", "--data-dir", dir]).stderr, /had no grant/);
});
