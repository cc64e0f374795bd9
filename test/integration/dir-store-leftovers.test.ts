import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { DirRelayStore } from "../../core/relay/dir-store.js";
import { tempDir } from "../helpers/temp-dir.js";

/** Every file under `dir`, relative to it. */
function filesUnder(dir: string): string[] {
  return (readdirSync(dir, { recursive: true, withFileTypes: true }) as { name: string; parentPath: string; isFile(): boolean }[])
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

const isRoot = process.getuid?.() === 0;

test("a write that fails on a full disk leaves no temporary file in the relay", { skip: isRoot ? false : "mounting a small tmpfs needs root (CI runs as root)" }, async (t) => {
  // Our own folder, not tempDir's: it must be unmounted before it is removed.
  const root = mkdtempSync(join(tmpdir(), "ailab-full-relay-"));
  execFileSync("mount", ["-t", "tmpfs", "-o", "size=256k", "tmpfs", root]);
  t.after(() => {
    execFileSync("umount", [root]);
    rmSync(root, { recursive: true, force: true });
  });
  const store = new DirRelayStore(root);
  assert.equal(await store.put("messages/to-runner/small.json", Buffer.from("{}")), true);

  const big = Buffer.alloc(1024 * 1024, 1);
  for (let i = 0; i < 5; i++) {
    await assert.rejects(store.put(`objects/big-${i}`, big), /ENOSPC/);
    await assert.rejects(store.put(`objects/big-if-absent-${i}`, big, { ifAbsent: true }), /ENOSPC/);
  }
  const source = join(await tempDir(t), "source");
  writeFileSync(source, big);
  await assert.rejects(store.putFile("objects/from-file", source), /ENOSPC/);

  assert.deepEqual(filesUnder(root), ["messages/to-runner/small.json"]);
  // With the space back, the same writes go through.
  assert.equal(await store.put("objects/after", Buffer.from("fits")), true);
  assert.deepEqual(Buffer.from((await store.get("objects/after")) ?? []).toString(), "fits");
});

test("the sweep at start removes idle temporary files of ours and leaves fresh ones and real keys alone", async (t) => {
  const root = await tempDir(t);
  const store = new DirRelayStore(root);
  await store.put("objects/aa", Buffer.from("kept"));
  mkdirSync(join(root, "messages", "to-action"), { recursive: true });
  const idle = ["objects/bb.tmp-0123456789ab", "messages/to-action/7.json.tmp-ba9876543210"];
  const fresh = "objects/cc.tmp-aaaaaaaaaaaa";
  const notOurs = "objects/dd.tmp-notours";
  for (const key of [...idle, fresh, notOurs]) writeFileSync(join(root, key), "partial");
  const hourAgo = (Date.now() - 3600_000) / 1000;
  for (const key of [...idle, notOurs]) utimesSync(join(root, key), hourAgo, hourAgo);

  const removed = await store.sweepTemporaryFiles(Date.now());
  assert.deepEqual(removed.sort(), [...idle].sort());
  assert.deepEqual(filesUnder(root), [fresh, "objects/aa", notOurs].sort());
  assert.deepEqual(await store.list("objects/"), ["objects/aa", notOurs].filter((k) => !k.includes(".tmp-")));
});
