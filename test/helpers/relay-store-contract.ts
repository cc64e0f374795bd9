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

  test(`${name}: keys that would leave the store are refused`, async (t) => {
    const store = await newStore(t);
    for (const key of ["../escape", "objects/../../x", "/abs", "a//b", ""]) {
      await assert.rejects(store.put(key, Buffer.from("x")), /invalid relay key/);
    }
  });
}
