import assert from "node:assert/strict";
import { test } from "node:test";
import { z } from "zod";
import { canonicalJson } from "../../../core/canonical-json.js";
import { hasCode } from "../../../core/errors.js";
import { openEnvelope, signEnvelope } from "../../../core/protocol/envelope.js";
import { sortableId } from "../../../core/ids.js";

const Body = z.object({ kind: z.literal("ping"), n: z.number() });
const bytes = (value: unknown) => Buffer.from(JSON.stringify(value));

test("canonical JSON sorts keys at every depth and drops undefined", () => {
  assert.equal(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: undefined } }), '{"a":{"d":[2,{"e":0,"f":1}]},"b":1}');
});

test("a signed envelope opens with the same secret, whatever the key order on the wire", () => {
  const envelope = signEnvelope(sortableId(), 1, { n: 1, kind: "ping" }, "secret");
  const reordered = { signature: envelope.signature, body: { kind: "ping", n: 1 }, sentAt: 1, id: envelope.id };
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

test("sortable ids sort by time", () => {
  const ids = [3, 1, 2].map((n) => sortableId(1_700_000_000_000 + n * 1000));
  assert.deepEqual([...ids].sort(), [ids[1], ids[2], ids[0]]);
});
