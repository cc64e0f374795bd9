import assert from "node:assert/strict";
import { test, type TestContext } from "node:test";
import { z } from "zod";
import { createLogger } from "../../core/logger.js";
import { deliver, drainInbox, MAX_MESSAGE_BYTES, sealMessage } from "../../core/protocol/mailbox.js";
import type { RelayStore } from "../../core/relay/relay-store.js";

const Body = z.object({ n: z.number() });
const SECRET = "relay-secret";

/** A store that may be handed to an inbox reader: one that never reads a value whole. */
export interface InboxWorld {
  store: RelayStore;
  /**
   * Drops a value larger than MAX_MESSAGE_BYTES under `key` the way an
   * attacker with write access to the relay would; `cameThrough` says
   * afterwards whether its bytes were read or copied through this process.
   */
  dropOversized(key: string): Promise<{ cameThrough: () => Promise<boolean> }>;
}

/**
 * What an inbox reader does with what nobody should have put there, run
 * against every relay store: one unreadable file must never block the
 * messages behind it, be read whole, or be tried again on every cycle.
 */
export function blockedInboxContract(name: string, newWorld: (t: TestContext) => Promise<InboxWorld>): void {
  const inbox = "messages/to-runner/r1/";

  const drain = async (store: RelayStore, lines: string[]) => {
    const seen: number[] = [];
    const log = createLogger({ level: "debug", sink: (line) => void lines.push(line) });
    await drainInbox(store, inbox, SECRET, Body, (m) => void seen.push(m.body.n), log);
    return seen;
  };

  test(`${name}: an oversized 0.json is moved aside unread and the next message is applied`, async (t) => {
    const world = await newWorld(t);
    const big = await world.dropOversized(`${inbox}0.json`);
    await deliver(world.store, sealMessage(inbox, { n: 1 }, SECRET, 1_000));

    const lines: string[] = [];
    assert.deepEqual(await drain(world.store, lines), [1]);
    assert.deepEqual(await world.store.list(inbox), [], "nothing is left to block the inbox");
    assert.equal(await world.store.has(`rejected/${inbox}0.json`), true, "the file is kept, aside");
    assert.equal(await big.cameThrough(), false);
    const warning = lines.find((l) => l.includes(" WARN "));
    assert.ok(warning, lines.join("\n"));
    assert.match(warning, new RegExp(`key="${inbox}0\\.json"`));
    assert.match(warning, /size=\d+/);
    assert.match(warning, /code="TooLarge"/);

    // Another cycle reads nothing more: the reject is not retried.
    const again: string[] = [];
    assert.deepEqual(await drain(world.store, again), []);
    assert.deepEqual(again.filter((l) => l.includes(" WARN ")), []);
  });

  test(`${name}: garbage and a badly signed message are moved aside and the messages behind them are applied`, async (t) => {
    const world = await newWorld(t);
    const forged = sealMessage(inbox, { n: 99 }, "not the relay secret", 1_000);
    await world.store.put(`${inbox}0.json`, Buffer.from("\u0000\u0001 not json at all"));
    await deliver(world.store, forged);
    await deliver(world.store, sealMessage(inbox, { n: 2 }, SECRET, 2_000));
    await deliver(world.store, sealMessage(inbox, { n: 3 }, SECRET, 3_000));

    const lines: string[] = [];
    assert.deepEqual(await drain(world.store, lines), [2, 3]);
    assert.deepEqual(await world.store.list(inbox), []);
    assert.deepEqual(await world.store.list("rejected/"), [`rejected/${inbox}0.json`, `rejected/${forged.key}`]);
    const warnings = lines.filter((l) => l.includes(" WARN "));
    assert.equal(warnings.length, 2, warnings.join("\n"));
    assert.match(warnings[0]!, /code="BadMessage"/);
    assert.match(warnings[1]!, /code="BadSignature"/);
    assert.match(warnings[1]!, new RegExp(`key="${forged.key}"`));
  });

  test(`${name}: a message just at the limit is still read`, async (t) => {
    const world = await newWorld(t);
    const message = sealMessage(inbox, { n: 5 }, SECRET, 1_000);
    assert.ok(message.bytes.byteLength < MAX_MESSAGE_BYTES);
    // Padding inside the JSON keeps it a valid, signed envelope.
    const padded = Buffer.concat([message.bytes, Buffer.alloc(MAX_MESSAGE_BYTES - message.bytes.byteLength, " ")]);
    await world.store.put(message.key, padded);
    assert.deepEqual(await drain(world.store, []), [5]);
  });
}
