import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { test } from "node:test";
import { z } from "zod";
import { canonicalJson } from "../../../core/canonical-json.js";
import { hasCode } from "../../../core/errors.js";
import { openEnvelope, PROTOCOL_VERSION, signEnvelope } from "../../../core/protocol/envelope.js";
import { sortableId } from "../../../core/ids.js";
import { sealFutureMessage } from "../../helpers/future-message.js";

const Body = z.object({ kind: z.literal("ping"), n: z.number() });
const bytes = (value: unknown) => Buffer.from(JSON.stringify(value));

test("canonical JSON sorts keys at every depth and drops undefined", () => {
  assert.equal(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: undefined } }), '{"a":{"d":[2,{"e":0,"f":1}]},"b":1}');
});

test("a signed envelope opens with the same secret, whatever the key order on the wire", () => {
  const envelope = signEnvelope(sortableId(), 1, { n: 1, kind: "ping" }, "secret");
  const reordered = { signature: envelope.signature, body: { kind: "ping", n: 1 }, sentAt: 1, id: envelope.id, protocol: envelope.protocol };
  assert.deepEqual(openEnvelope(bytes(reordered), "secret", Body).body, { kind: "ping", n: 1 });
});

test("a wrong secret, a changed body or a missing signature is rejected", () => {
  const envelope = signEnvelope(sortableId(), 1, { kind: "ping", n: 1 }, "secret");
  assert.throws(() => openEnvelope(bytes(envelope), "other", Body), (e) => hasCode(e, "BadSignature"));
  assert.throws(() => openEnvelope(bytes({ ...envelope, body: { kind: "ping", n: 2 } }), "secret", Body), (e) => hasCode(e, "BadSignature"));
  assert.throws(() => openEnvelope(bytes({ ...envelope, signature: "" }), "secret", Body), (e) => hasCode(e, "BadMessage"));
  assert.throws(() => openEnvelope(Buffer.from("not json"), "secret", Body), (e) => hasCode(e, "BadMessage"));
});

test("a well-signed body that breaks the protocol is rejected as BadMessage", () => {
  const envelope = signEnvelope(sortableId(), 1, { kind: "pong" }, "secret");
  assert.throws(() => openEnvelope(bytes(envelope), "secret", Body), (e) => hasCode(e, "BadMessage"));
});

test("an envelope carries the protocol version; one written before versions existed still opens, as version 1", () => {
  const envelope = signEnvelope(sortableId(), 1, { kind: "ping", n: 1 }, "secret");
  assert.equal(envelope.protocol, PROTOCOL_VERSION);
  assert.equal(openEnvelope(bytes(envelope), "secret", Body).protocol, PROTOCOL_VERSION);
  // How version 1 signed: over id, sentAt and body only.
  const id = sortableId();
  const signature = createHmac("sha256", "secret").update(canonicalJson({ id, sentAt: 1, body: { kind: "ping", n: 1 } })).digest("hex");
  const old = openEnvelope(bytes({ id, sentAt: 1, body: { kind: "ping", n: 1 }, signature }), "secret", Body);
  assert.deepEqual([old.protocol, old.body], [1, { kind: "ping", n: 1 }]);
});

test("fields a newer sender adds, to the body or the envelope, are signed, verified and dropped, not refused", () => {
  const message = sealFutureMessage("in/", { kind: "ping", n: 1, priority: "high" }, "secret", { protocol: PROTOCOL_VERSION, members: { trace: "abc" } });
  assert.deepEqual(openEnvelope(message.bytes, "secret", Body).body, { kind: "ping", n: 1 });
  // The added envelope member counts in the signature: changing it is a forgery.
  const tampered = { ...(JSON.parse(Buffer.from(message.bytes).toString()) as Record<string, unknown>), trace: "xyz" };
  assert.throws(() => openEnvelope(bytes(tampered), "secret", Body), (e) => hasCode(e, "BadSignature"));
});

test("a message of a newer protocol that this version cannot read or verify is NewerProtocol, not garbage", () => {
  const newer = PROTOCOL_VERSION + 1;
  const unreadable = sealFutureMessage("in/", { kind: "ping", n: "one" }, "secret", { protocol: newer });
  assert.throws(() => openEnvelope(unreadable.bytes, "secret", Body), (e) => hasCode(e, "NewerProtocol"));
  const signedOtherwise = sealFutureMessage("in/", { kind: "ping", n: 1 }, "a future signing scheme", { protocol: newer });
  assert.throws(() => openEnvelope(signedOtherwise.bytes, "secret", Body), (e) => hasCode(e, "NewerProtocol"));
  // Newer but readable: read.
  const readable = sealFutureMessage("in/", { kind: "ping", n: 2 }, "secret", { protocol: newer });
  assert.deepEqual(openEnvelope(readable.bytes, "secret", Body).body, { kind: "ping", n: 2 });
  // The same unreadable body at this version is garbage.
  const garbage = sealFutureMessage("in/", { kind: "ping", n: "one" }, "secret", { protocol: PROTOCOL_VERSION });
  assert.throws(() => openEnvelope(garbage.bytes, "secret", Body), (e) => hasCode(e, "BadMessage"));
});

test("sortable ids sort by time", () => {
  const ids = [3, 1, 2].map((n) => sortableId(1_700_000_000_000 + n * 1000));
  assert.deepEqual([...ids].sort(), [ids[1], ids[2], ids[0]]);
});
