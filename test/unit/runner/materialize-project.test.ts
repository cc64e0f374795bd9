import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { hasCode } from "../../../core/errors.js";
import { DirRelayStore } from "../../../core/relay/dir-store.js";
import { publishSnapshot } from "../../../core/snapshot/publish-snapshot.js";
import { materializeProject, placeEntries } from "../../../runner-agent/materialize-project.js";
import { ObjectCache } from "../../../runner-agent/object-cache.js";
import { tempDir } from "../../helpers/temp-dir.js";

const file = (path: string, text: string, mode: "file" | "exec" = "file") => ({ path, mode, read: () => Promise.resolve(Buffer.from(text)) });

test("the snapshot is laid out by the upload mapping, exec bits kept, copied rather than linked to the cache", async (t) => {
  const root = await tempDir(t);
  const store = new DirRelayStore(join(root, "relay"));
  const snapshot = await publishSnapshot(store, [
    file("train.py", "print('train')\n"),
    file("run.sh", "#!/bin/sh\n", "exec"),
    file("configs/a.yaml", "a: 1\n"),
    file("notes/readme.md", "notes\n"),
  ]);
  const objects = new ObjectCache(join(root, "objects"), store);
  const projectDir = join(root, "job", "project");
  const upload = [
    { local: "train.py", remote: "train.py" },
    { local: "run.sh", remote: "bin/run.sh" },
    { local: "configs", remote: "cfg" },
  ];
  const { files } = await materializeProject({ relay: store, objects, tree: snapshot.treeHash, upload, projectDir });
  assert.equal(files, 3);
  assert.equal(readFileSync(join(projectDir, "cfg", "a.yaml"), "utf8"), "a: 1\n");
  assert.equal(statSync(join(projectDir, "bin", "run.sh")).mode & 0o777, 0o755);
  assert.equal(statSync(join(projectDir, "train.py")).mode & 0o777, 0o644);
  assert.throws(() => statSync(join(projectDir, "notes")), /ENOENT/);

  // A job that rewrites a source file in place leaves the cache (and later tasks) alone.
  writeFileSync(join(projectDir, "train.py"), "tampered\n");
  const cached = snapshot.manifest.entries.find((e) => e.path === "train.py")!.object;
  assert.equal(readFileSync(objects.pathOf(cached), "utf8"), "print('train')\n");
  assert.equal(statSync(objects.pathOf(cached)).mode & 0o222, 0, "cached objects are read-only");
  assert.equal(statSync(join(projectDir, "train.py")).nlink, 1);
});

test("a manifest or mapping path that would land outside the project folder is refused", () => {
  const entry = (path: string) => ({ path, object: "0".repeat(64), mode: "file" as const, size: 1 });
  const everything = [{ local: ".", remote: "." }];
  for (const path of ["../evil", "/etc/passwd", "a/../../evil", "a//b", "./a"]) {
    assert.throws(() => placeEntries([entry(path)], everything, "/jobs/x/project"), (e: unknown) => hasCode(e, "PathEscape"), path);
  }
  assert.throws(() => placeEntries([entry("a")], [{ local: "a", remote: "../a" }], "/jobs/x/project"), (e: unknown) => hasCode(e, "PathEscape"));
  assert.deepEqual(
    placeEntries([entry("src/m.py"), entry("srcx/n.py")], [{ local: "src", remote: "." }], "/p").map((p) => p.target),
    ["/p/m.py"],
  );
});

test("an object whose bytes do not match its name is refused", async (t) => {
  const root = await tempDir(t);
  const store = new DirRelayStore(join(root, "relay"));
  const snapshot = await publishSnapshot(store, [file("a.txt", "real")]);
  const object = snapshot.manifest.entries[0]!.object;
  await store.put(`objects/${object}`, Buffer.from("forged"));
  const objects = new ObjectCache(join(root, "objects"), store);
  await assert.rejects(
    materializeProject({ relay: store, objects, tree: snapshot.treeHash, upload: [{ local: ".", remote: "." }], projectDir: join(root, "p") }),
    (e: unknown) => hasCode(e, "ObjectCorrupt"),
  );
});
