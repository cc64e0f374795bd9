import assert from "node:assert/strict";
import { test } from "node:test";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { createS3RelayStore } from "../../core/relay/s3-store.js";
import { startS3Server, stopWith } from "../helpers/s3-server.js";

test("a hung S3 endpoint (SIGSTOP) makes relay calls fail instead of hanging, and they work again once it answers", async (t) => {
  const endpoint = await startS3Server();
  stopWith(t, endpoint);
  const admin = new S3Client({ region: "us-east-1", endpoint: endpoint.url, forcePathStyle: true, credentials: { accessKeyId: "test", secretAccessKey: "test" } });
  t.after(() => admin.destroy());
  await admin.send(new CreateBucketCommand({ Bucket: "hung" }));
  // The shipped client, as the agents build it, with a short limit so the test is quick.
  const store = createS3RelayStore({ endpoint: endpoint.url, region: "us-east-1", bucket: "hung", accessKeyId: "test", secretAccessKey: "test", requestTimeoutMs: 500 });
  assert.equal(await store.put("messages/to-runner/1.json", Buffer.from("{}")), true);

  endpoint.pause();
  try {
    // Each of these waited forever before: no request or socket timeout.
    await assert.rejects(store.get("messages/to-runner/1.json"));
    await assert.rejects(store.list("messages/to-runner/"));
    await assert.rejects(store.put("messages/to-runner/2.json", Buffer.from("{}")));
  } finally {
    endpoint.resume();
  }
  // A write that timed out may still land once the server wakes (its bytes were sent): callers retry writes, which are idempotent.
  assert.ok((await store.list("messages/to-runner/")).includes("messages/to-runner/1.json"));
  assert.equal(Buffer.from((await store.get("messages/to-runner/1.json")) ?? []).toString(), "{}");
});
