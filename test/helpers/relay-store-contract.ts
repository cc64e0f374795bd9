import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import type { RelayStore } from "../../core/relay/relay-store.js";
import { tempDir } from "./temp-dir.js";

/**
 * The relay store contract, run against every implementation (the directory
 * store here; S3 against a real endpoint), like hono's runTest per router.
 */
export function relayStoreContract(name: string, newStore: (t: import("node:test").TestContext) => Promise<RelayStore>): void {
  const text = (bytes: Uint8Array | undefined) => (bytes ? Buffer.from(bytes).toString("utf8") : undefined);

  test(`${name}: put then get returns the bytes; a missing key is undefined`, async (t) => {
    const store = await newStore(t);
    assert.equal(await store.put("objects/abc", Buffer.from("hello")), true);
    assert.equal(text(await store.get("objects/abc")), "hello");
    assert.equal(await store.get("objects/missing"), undefined);
    assert.equal(await store.has("objects/abc"), true);
    assert.equal(await store.has("objects/missing"), false);
  });

  test(`${name}: ifAbsent never overwrites and says so`, async (t) => {
    const store = await newStore(t);
    assert.equal(await store.put("objects/k", Buffer.from("first"), { ifAbsent: true }), true);
    assert.equal(await store.put("objects/k", Buffer.from("second"), { ifAbsent: true }), false);
    assert.equal(text(await store.get("objects/k")), "first");
    assert.equal(await store.put("objects/k", Buffer.from("third")), true);
    assert.equal(text(await store.get("objects/k")), "third");
  });

  test(`${name}: list returns every key under a prefix, sorted, and nothing else`, async (t) => {
    const store = await newStore(t);
    for (const key of ["messages/to-action/02.json", "messages/to-action/01.json", "messages/to-runner/r1/03.json", "logs/t/0"]) {
      await store.put(key, Buffer.from(key));
    }
    assert.deepEqual(await store.list("messages/to-action/"), ["messages/to-action/01.json", "messages/to-action/02.json"]);
    assert.deepEqual(await store.list("messages/"), [
      "messages/to-action/01.json",
      "messages/to-action/02.json",
      "messages/to-runner/r1/03.json",
    ]);
    assert.deepEqual(await store.list("nothing/here/"), []);
  });

  test(`${name}: delete removes a key and tolerates a missing one`, async (t) => {
    const store = await newStore(t);
    await store.put("results/t/run.json", Buffer.from("{}"));
    await store.delete("results/t/run.json");
    await store.delete("results/t/run.json");
    assert.equal(await store.has("results/t/run.json"), false);
    assert.deepEqual(await store.list("results/"), []);
  });

  test(`${name}: putFile and getStream carry a file through`, async (t) => {
    const store = await newStore(t);
    const dir = await tempDir(t);
    const file = join(dir, "big.bin");
    const data = Buffer.alloc(3 * 1024 * 1024, 7);
    await writeFile(file, data);
    assert.equal(await store.putFile("results/t/results.tar.gz", file, { ifAbsent: true }), true);
    assert.equal(await store.putFile("results/t/results.tar.gz", file, { ifAbsent: true }), false);
    const stream = await store.getStream("results/t/results.tar.gz");
    assert.ok(stream);
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    assert.ok(Buffer.concat(chunks).equals(data));
    assert.equal(await store.getStream("results/t/none"), undefined);
  });

  test(`${name}: getAtMost reads a value up to the bound and only sizes a longer one`, async (t) => {
    const store = await newStore(t);
    await store.put("messages/to-action/small.json", Buffer.from("12345"));
    await store.put("messages/to-action/big.json", Buffer.alloc(2048, 1));
    const small = await store.getAtMost("messages/to-action/small.json", 5);
    assert.ok(small && "bytes" in small);
    assert.equal(text(small.bytes), "12345");
    assert.deepEqual(await store.getAtMost("messages/to-action/big.json", 1024), { tooLarge: 2048 });
    assert.equal(await store.getAtMost("messages/to-action/none.json", 1024), undefined);
  });

  test(`${name}: move takes a value to another key, and a missing one is no error`, async (t) => {
    const store = await newStore(t);
    await store.put("messages/to-action/x.json", Buffer.from("moved"));
    await store.move("messages/to-action/x.json", "rejected/messages/to-action/x.json");
    assert.equal(await store.has("messages/to-action/x.json"), false);
    assert.equal(text(await store.get("rejected/messages/to-action/x.json")), "moved");
    await store.move("messages/to-action/x.json", "rejected/messages/to-action/x.json");
    assert.equal(text(await store.get("rejected/messages/to-action/x.json")), "moved");
  });

  test(`${name}: keys that would leave the store are refused`, async (t) => {
    const store = await newStore(t);
    for (const key of ["../escape", "objects/../../x", "/abs", "a//b", ""]) {
      await assert.rejects(store.put(key, Buffer.from("x")), /invalid relay key/);
    }
  });
}
