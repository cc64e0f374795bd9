import assert from "node:assert/strict";
import { test } from "node:test";
import { z } from "zod";
import { createLogger, silentLogger } from "../../../core/logger.js";
import { deliver, drainInbox, InboxMemory, MAX_APPLY_ATTEMPTS, sealMessage } from "../../../core/protocol/mailbox.js";
import { PROTOCOL_VERSION } from "../../../core/protocol/envelope.js";
import { DirRelayStore } from "../../../core/relay/dir-store.js";
import { sealFutureMessage } from "../../helpers/future-message.js";
import { tempDir } from "../../helpers/temp-dir.js";

const Body = z.object({ n: z.number() });

test("drainInbox applies messages oldest first, deletes them after, and moves forgeries aside", async (t) => {
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
  assert.deepEqual(await store.list("rejected/"), [`rejected/${forged.key}`], "the forgery is kept aside, not deleted");
});

test("a message whose apply throws stays in the inbox for the next cycle", async (t) => {
  const store = new DirRelayStore(await tempDir(t));
  const inbox = "messages/to-action/";
  await deliver(store, sealMessage(inbox, { n: 1 }, "s"));
  await assert.rejects(drainInbox(store, inbox, "s", Body, () => { throw new Error("db down"); }, silentLogger));
  assert.equal((await store.list(inbox)).length, 1);
});

test("a message whose apply keeps failing is moved aside after MAX_APPLY_ATTEMPTS cycles, and the next one is applied", async (t) => {
  const store = new DirRelayStore(await tempDir(t));
  const inbox = "messages/to-action/";
  const poison = sealMessage(inbox, { n: 13 }, "s", 1_000);
  await deliver(store, poison);
  await deliver(store, sealMessage(inbox, { n: 2 }, "s", 2_000));
  const memory = new InboxMemory();
  const seen: number[] = [];
  const apply = (m: { body: { n: number } }) => {
    if (m.body.n === 13) throw new Error("a bug meets this message");
    seen.push(m.body.n);
  };
  for (let cycle = 1; cycle < MAX_APPLY_ATTEMPTS; cycle++) {
    await assert.rejects(drainInbox(store, inbox, "s", Body, apply, silentLogger, memory), /a bug meets this message/);
    assert.deepEqual(seen, [], "order is kept while it may still be a passing failure");
  }
  assert.equal(await drainInbox(store, inbox, "s", Body, apply, silentLogger, memory), 1);
  assert.deepEqual(seen, [2]);
  assert.deepEqual(await store.list(inbox), []);
  assert.deepEqual(await store.list("rejected/"), [`rejected/${poison.key}`]);
});

test("a message of a newer protocol it cannot read stays in the inbox, logged once, and the messages behind it are applied", async (t) => {
  const store = new DirRelayStore(await tempDir(t));
  const inbox = "messages/to-runner/r1/";
  const future = sealFutureMessage(inbox, { n: "a new shape" }, "s", { protocol: PROTOCOL_VERSION + 1, now: 1_000 });
  const garbage = sealFutureMessage(inbox, { n: "not a number" }, "s", { protocol: PROTOCOL_VERSION, now: 1_500 });
  const after = sealMessage(inbox, { n: 2 }, "s", 2_000);
  for (const m of [future, garbage, after]) await deliver(store, m);

  const lines: string[] = [];
  const log = createLogger({ level: "debug", sink: (line) => void lines.push(line) });
  const memory = new InboxMemory();
  const seen: number[] = [];
  for (let cycle = 0; cycle < 3; cycle++) await drainInbox(store, inbox, "s", Body, (m) => void seen.push(m.body.n), log, memory);

  assert.deepEqual(seen, [2]);
  assert.deepEqual(await store.list(inbox), [future.key], "the newer message is kept; the garbage of this version is moved aside");
  const warnings = lines.filter((l) => l.includes(" WARN "));
  assert.equal(warnings.length, 2, warnings.join("\n"));
  assert.match(warnings[0]!, /relay message from a newer version left in the inbox; upgrade this agent to read it .*protocol=3/);
  assert.match(warnings[1]!, /rejected relay message, moved aside .*code="BadMessage"/);
});
