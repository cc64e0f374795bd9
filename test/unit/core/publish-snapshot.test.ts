import assert from "node:assert/strict";
import { test } from "node:test";
import { DirRelayStore } from "../../../core/relay/dir-store.js";
import { publishSnapshot, type SnapshotFile } from "../../../core/snapshot/publish-snapshot.js";
import { sha256 } from "../../../core/hash.js";
import { tempDir } from "../../helpers/temp-dir.js";

const file = (path: string, text: string): SnapshotFile => ({ path, mode: "file", read: () => Promise.resolve(Buffer.from(text)) });

test("a second snapshot with one changed file uploads one object and names a new tree", async (t) => {
  const store = new DirRelayStore(await tempDir(t));
  const first = await publishSnapshot(store, [file("train.py", "v1"), file("README", "hi"), file("data.txt", "hi")]);
  assert.equal(first.uploaded, 2, "identical contents are stored once");
  const second = await publishSnapshot(store, [file("train.py", "v2"), file("README", "hi"), file("data.txt", "hi")]);
  assert.equal(second.uploaded, 1);
  assert.notEqual(first.treeHash, second.treeHash);
  assert.equal((await store.list("objects/")).length, 3);
  assert.ok(await store.has(`objects/${sha256("v2")}`));
  assert.ok(await store.has(`trees/${second.treeHash}.json`));
});

test("the tree hash does not depend on the order files are listed in", async (t) => {
  const store = new DirRelayStore(await tempDir(t));
  const a = await publishSnapshot(store, [file("a", "1"), file("b", "2")]);
  const b = await publishSnapshot(store, [file("b", "2"), file("a", "1")]);
  assert.equal(a.treeHash, b.treeHash);
});
