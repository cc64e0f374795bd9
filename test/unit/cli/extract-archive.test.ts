import assert from "node:assert/strict";
import { chmod, link, mkdir, readdir, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import * as tar from "tar";
import { extractArchive } from "../../../cli/extract-archive.js";
import { tempDir } from "../../helpers/temp-dir.js";

/** root/src (where archives are made from), root/dest (where they are extracted), root/out.tar.gz. */
async function layout(t: TestContext) {
  const root = await tempDir(t, "ailab-extract-");
  const src = join(root, "src");
  const dest = join(root, "dest");
  await mkdir(src);
  await mkdir(dest);
  return { root, src, dest, archive: join(root, "out.tar.gz") };
}

async function listAll(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).sort();
}

test("plain files and folders are extracted into the folder", async (t) => {
  const { src, dest, archive } = await layout(t);
  await mkdir(join(src, "output"));
  await writeFile(join(src, "output", "metrics.json"), '{"loss":0.1}');
  await tar.c({ cwd: src, file: archive, gzip: true }, ["output"]);
  const written = await extractArchive(archive, dest);
  assert.deepEqual(written.sort(), ["output/", "output/metrics.json"]);
  assert.equal(await readFile(join(dest, "output", "metrics.json"), "utf8"), '{"loss":0.1}');
});

test("an entry climbing out with .. is refused and nothing is written", async (t) => {
  const { root, src, dest, archive } = await layout(t);
  await writeFile(join(src, "ok.txt"), "ok");
  await writeFile(join(root, "evil.txt"), "evil");
  await tar.c({ cwd: src, file: archive, gzip: true, preservePaths: true }, ["ok.txt", "../evil.txt"]);
  await rm(join(root, "evil.txt"));
  await assert.rejects(extractArchive(archive, dest), (e: { code?: string; message?: string }) => {
    assert.equal(e.code, "UnsafeArchive");
    assert.match(String(e.message), /\.\.\/evil\.txt/);
    return true;
  });
  assert.deepEqual(await listAll(dest), []);
  assert.equal(existsSync(join(root, "evil.txt")), false);
});

test("an absolute path is refused and nothing is written", async (t) => {
  const { root, src, dest, archive } = await layout(t);
  const target = join(root, "absolute.txt");
  await writeFile(target, "abs");
  await tar.c({ cwd: src, file: archive, gzip: true, preservePaths: true }, [target]);
  await rm(target);
  await assert.rejects(extractArchive(archive, dest), { code: "UnsafeArchive" });
  assert.deepEqual(await listAll(dest), []);
  assert.equal(existsSync(target), false);
});

test("a symbolic link is refused, even one pointing inside", async (t) => {
  const { root, src, dest, archive } = await layout(t);
  await writeFile(join(src, "real.txt"), "x");
  await symlink(root, join(src, "escape"));
  await tar.c({ cwd: src, file: archive, gzip: true }, ["real.txt", "escape"]);
  await assert.rejects(extractArchive(archive, dest), (e: { code?: string; message?: string }) => {
    assert.equal(e.code, "UnsafeArchive");
    assert.match(String(e.message), /SymbolicLink/);
    return true;
  });
  assert.deepEqual(await listAll(dest), []);
});

test("a hard link entry is refused", async (t) => {
  const { src, dest, archive } = await layout(t);
  await writeFile(join(src, "a.txt"), "x");
  await link(join(src, "a.txt"), join(src, "b.txt"));
  // Made synchronously: node-tar writes the second name as a Link only when it has seen the first.
  tar.c({ cwd: src, file: archive, gzip: true, sync: true }, ["a.txt", "b.txt"]);
  const types: string[] = [];
  await tar.t({ file: archive, onReadEntry: (entry) => void types.push(entry.type) });
  assert.deepEqual(types, ["File", "Link"]);
  await assert.rejects(extractArchive(archive, dest), { code: "UnsafeArchive" });
  assert.deepEqual(await listAll(dest), []);
});

test("a symbolic link already in the folder is not followed out of it", async (t) => {
  const { root, src, dest, archive } = await layout(t);
  const outside = join(root, "outside");
  await mkdir(outside);
  await symlink(outside, join(dest, "output"));
  await mkdir(join(src, "output"));
  await writeFile(join(src, "output", "metrics.json"), "{}");
  await tar.c({ cwd: src, file: archive, gzip: true }, ["output/metrics.json"]);
  await assert.rejects(extractArchive(archive, dest));
  assert.deepEqual(await readdir(outside), []);
});

test("setuid, setgid and sticky bits in an archive never survive extraction: files come out 0644 or 0755, folders 0755", async (t) => {
  const { src, dest, archive } = await layout(t);
  await mkdir(join(src, "out"));
  await writeFile(join(src, "out", "suid"), "#!/bin/sh\n");
  await writeFile(join(src, "out", "sgid"), "data");
  await chmod(join(src, "out", "suid"), 0o4755);
  await chmod(join(src, "out", "sgid"), 0o2666);
  await chmod(join(src, "out"), 0o1777);
  await tar.c({ cwd: src, file: archive, gzip: true }, ["out"]);
  const modes = new Map<string, number>();
  await tar.t({ file: archive, onReadEntry: (e) => modes.set(e.path, e.mode ?? 0) });
  assert.equal(modes.get("out/suid")! & 0o7777, 0o4755, "the archive does carry the bits");

  await extractArchive(archive, dest);
  const mode = async (p: string) => (await stat(join(dest, p))).mode & 0o7777;
  assert.equal(await mode("out/suid"), 0o755);
  assert.equal(await mode("out/sgid"), 0o644);
  assert.equal(await mode("out"), 0o755);
});
