import { randomBytes } from "node:crypto";
import { stat, truncate, writeFile } from "node:fs/promises";
import { join } from "node:path";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { after, before, test } from "node:test";
import { z } from "zod";
import { silentLogger } from "../../../core/logger.js";
import { deliver, drainInbox, MAX_MESSAGE_BYTES, sealMessage } from "../../../core/protocol/mailbox.js";
import { DirRelayStore } from "../../../core/relay/dir-store.js";
import { blockedInboxContract } from "../../helpers/blocked-inbox-contract.js";
import { startS3Server, type S3Endpoint } from "../../helpers/s3-server.js";
import { tempDir } from "../../helpers/temp-dir.js";
import { watchedStore } from "../../helpers/watched-store.js";

const THREE_GIB = 3 * 1024 ** 3;

// The directory store: a 3 GiB sparse file costs no disk. It came through
// the process if it was read whole, or if what sits aside is another file
// (a copy) or no longer sparse.
blockedInboxContract("dir store", async (t) => {
  const root = await tempDir(t);
  const { store, readWhole } = watchedStore(new DirRelayStore(root));
  return {
    store,
    async dropOversized(key) {
      const path = join(root, key);
      await store.put(key, Buffer.alloc(0));
      await truncate(path, THREE_GIB);
      const before = await stat(path);
      return {
        async cameThrough() {
          const aside = await stat(join(root, "rejected", key));
          return readWhole.size > 0 || aside.ino !== before.ino || aside.size !== THREE_GIB || aside.blocks * 512 > MAX_MESSAGE_BYTES;
        },
      };
    },
  };
});

test("dir store: a named pipe as a message neither hangs the reader nor blocks what comes after", async (t) => {
  const root = await tempDir(t);
  const store = new DirRelayStore(root);
  const inbox = "messages/to-action/";
  await store.put(`${inbox}keep.txt`, Buffer.alloc(0)); // makes the folder
  const fifo = join(root, inbox, "0.json");
  assert.equal(spawnSync("mkfifo", [fifo]).status, 0);
  await deliver(store, sealMessage(inbox, { n: 1 }, "s", 1_000));
  const seen: number[] = [];
  assert.equal(await drainInbox(store, inbox, "s", z.object({ n: z.number() }), (m) => void seen.push(m.body.n), silentLogger), 1);
  assert.deepEqual(seen, [1]);
  assert.equal((await store.getAtMost(`${inbox}0.json`, 10)), undefined, "opened without waiting for a writer, and turned away");
});

// S3 (moto): an object one byte over the limit is enough to be refused;
// the reader must not pull it (server-side copy and delete only).
let endpoint: S3Endpoint;
before(async () => {
  endpoint = await startS3Server();
});
after(() => endpoint.stop());

blockedInboxContract("s3 store", async (t) => {
  const dir = await tempDir(t);
  const { store, readWhole } = watchedStore(await endpoint.newStore(`relay-${randomBytes(4).toString("hex")}`, "course/"));
  return {
    store,
    async dropOversized(key) {
      const file = join(dir, "big");
      await writeFile(file, "");
      await truncate(file, MAX_MESSAGE_BYTES + 1);
      await store.putFile(key, file);
      return { cameThrough: () => Promise.resolve(readWhole.size > 0) };
    },
  };
});
