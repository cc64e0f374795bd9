import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { Readable } from "node:stream";
import * as tar from "tar";
import { writeTarGz, type TarMember } from "../../../runner-agent/write-tar-gz.js";
import { tempDir } from "../../helpers/temp-dir.js";

function member(name: string, text: string, more: Partial<TarMember> = {}): TarMember {
  return {
    name,
    mode: 0o644,
    mtime: new Date("2026-12-01T00:00:00Z"),
    size: Buffer.byteLength(text),
    data: () => Readable.from([Buffer.from(text)]),
    ...more,
  };
}

async function entries(file: string) {
  const found: { path: string; type: string; mode: number; uid: number; body: string }[] = [];
  await tar.t({
    file,
    strict: true,
    onReadEntry: (e) => {
      const chunks: Buffer[] = [];
      e.on("data", (c: Buffer) => chunks.push(c));
      e.on("end", () => found.push({ path: e.path, type: e.type, mode: e.mode ?? -1, uid: e.uid ?? -1, body: Buffer.concat(chunks).toString("utf8") }));
    },
  });
  return found;
}

test("members come out as plain files, modes masked to 0644/0755, owned by nobody in particular; long and non-ASCII names survive", async (t) => {
  const dir = await tempDir(t);
  const file = join(dir, "a.tar.gz");
  const long = `${"deep/".repeat(40)}weights.pt`;
  const count = await writeTarGz(
    file,
    Readable.from([member("output/tool", "#!/bin/sh\n", { mode: 0o104755 }), member("output/data", "d", { mode: 0o102666 }), member(long, "w"), member("output/résumé.txt", "é")]),
  );
  assert.equal(count, 4);
  assert.deepEqual(await entries(file), [
    { path: "output/tool", type: "File", mode: 0o755, uid: 0, body: "#!/bin/sh\n" },
    { path: "output/data", type: "File", mode: 0o644, uid: 0, body: "d" },
    { path: long, type: "File", mode: 0o644, uid: 0, body: "w" },
    { path: "output/résumé.txt", type: "File", mode: 0o644, uid: 0, body: "é" },
  ]);
});

test("a member gives exactly the bytes its header says: one that grew is cut, one that shrank is padded", async (t) => {
  const dir = await tempDir(t);
  const file = join(dir, "b.tar.gz");
  await writeTarGz(file, Readable.from([member("grew", "0123456789", { size: 4 }), member("shrank", "ab", { size: 5 }), member("after", "still readable")]));
  const found = await entries(file);
  assert.deepEqual(found.map((e) => [e.path, e.body]), [["grew", "0123"], ["shrank", "ab\0\0\0"], ["after", "still readable"]]);
});
