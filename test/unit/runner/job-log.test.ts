import { test } from "node:test";
import assert from "node:assert/strict";
import { appendFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DirRelayStore } from "../../../core/relay/dir-store.js";
import { logChunkOffset, relayKeys } from "../../../core/relay/layout.js";
import { lastLogLine, shipLog, shipNotes } from "../../../runner-agent/job-log.js";
import { tempDir } from "../../helpers/temp-dir.js";

const TASK = "0123456789-abcd";

async function readShipped(store: DirRelayStore): Promise<string> {
  let text = "";
  let expected = 0;
  for (const key of await store.list(relayKeys.logPrefix(TASK))) {
    assert.equal(logChunkOffset(key), expected, "chunks follow each other without gap or overlap");
    const bytes = (await store.get(key))!;
    text += Buffer.from(bytes).toString("utf8");
    expected += bytes.byteLength;
  }
  return text;
}

test("new log bytes go up as chunks named by offset; a repeat after a crash neither overlaps nor loses bytes", async (t) => {
  const dir = await tempDir(t);
  const store = new DirRelayStore(join(dir, "relay"));
  const log = join(dir, "job.log");
  assert.equal(await shipLog(store, TASK, log, 0), 0, "no log yet");
  writeFileSync(log, "line 1\n");
  const first = await shipLog(store, TASK, log, 0);
  assert.equal(first, 7);
  appendFileSync(log, "line 2\n");
  // The runner died before it recorded `first`: it ships from 0 again, with more bytes in the file.
  const again = await shipLog(store, TASK, log, 0);
  assert.equal(again, 14);
  assert.equal(await shipLog(store, TASK, log, again), 14);
  assert.equal(await readShipped(store), "line 1\nline 2\n");
});

test("the last line is the job's own, non-empty, after progress-bar carriage returns, without colours", async (t) => {
  const dir = await tempDir(t);
  const log = join(dir, "job.log");
  assert.equal(await lastLogLine(log), "");
  writeFileSync(log, "==> python train.py\nEpoch 1/3\r 10%|#  |\r 50%|#####|\x1b[0m\n\n==> python eval.py\n");
  assert.equal(await lastLogLine(log), "50%|#####|");
  appendFileSync(log, `${"x".repeat(500)}\n`);
  assert.equal((await lastLogLine(log)).length, 120);
});

test("a log past its limit is shipped up to the limit, then one marker line; later calls add nothing, the notes go after", async (t) => {
  const dir = await tempDir(t);
  const store = new DirRelayStore(join(dir, "relay"));
  const log = join(dir, "job.log");
  writeFileSync(log, "x".repeat(1000));
  let offset = await shipLog(store, TASK, log, 0, { maxBytes: 1024, maxChunks: 1 });
  assert.equal(offset, 1000, "under the limit: all of it");
  appendFileSync(log, "y".repeat(5000));
  offset = await shipLog(store, TASK, log, offset, { maxBytes: 1024 });
  appendFileSync(log, "z".repeat(5000));
  assert.equal(await shipLog(store, TASK, log, offset, { maxBytes: 1024 }), offset, "cut once, for good");
  offset = await shipNotes(store, TASK, offset, ["[ailab: left out output/key: is a symbolic link]"]);
  assert.equal(await readShipped(store), `${"x".repeat(1000)}${"y".repeat(24)}\n[ailab: log cut at 1 KiB]\n[ailab: left out output/key: is a symbolic link]\n`);
  assert.equal(await shipNotes(store, TASK, offset, []), offset);
});
