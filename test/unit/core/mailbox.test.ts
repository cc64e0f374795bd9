import assert from "node:assert/strict";
import { test } from "node:test";
import { z } from "zod";
import { silentLogger } from "../../../core/logger.js";
import { deliver, drainInbox, sealMessage } from "../../../core/protocol/mailbox.js";
import { DirRelayStore } from "../../../core/relay/dir-store.js";
import { tempDir } from "../../helpers/temp-dir.js";

const Body = z.object({ n: z.number() });

test("drainInbox applies messages oldest first, deletes them after, and rejects forgeries", async (t) => {
  const store = new DirRelayStore(await tempDir(t));
  const inbox = "messages/to-runner/r1/";
  const second = sealMessage(inbox, { n: 2 }, "s", 2_000);
  const first = sealMessage(inbox, { n: 1 }, "s", 1_000);
  const forged = sealMessage(inbox, { n: 99 }, "wrong secret", 1_500);
  for (const m of [second, first, forged]) await deliver(store, m);
  await deliver(store, first); // sending twice is harmless

  const seen: number[] = [];
  const applied = await drainInbox(store, inbox, "s", Body, (m) => void seen.push(m.body.n), silentLogger);
  assert.equal(applied, 2);
  assert.deepEqual(seen, [1, 2]);
  assert.deepEqual(await store.list(inbox), []);
});

test("a message whose apply throws stays in the inbox for the next cycle", async (t) => {
  const store = new DirRelayStore(await tempDir(t));
  const inbox = "messages/to-action/";
  await deliver(store, sealMessage(inbox, { n: 1 }, "s"));
  await assert.rejects(drainInbox(store, inbox, "s", Body, () => { throw new Error("db down"); }, silentLogger));
  assert.equal((await store.list(inbox)).length, 1);
});
