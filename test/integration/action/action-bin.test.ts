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
