import assert from "node:assert/strict";
import { renameSync } from "node:fs";
import { test } from "node:test";
import { CreateBucketCommand, DeleteBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { createS3RelayStore } from "../../../core/relay/s3-store.js";
import { startActionHarness } from "../../helpers/action-harness.js";
import { startS3Server, stopWith } from "../../helpers/s3-server.js";

interface Readiness {
  ready: boolean;
  checks: { name: string; ok: boolean; detail: string }[];
}

async function readyz(url: string): Promise<{ status: number; body: Readiness }> {
  const res = await fetch(`${url}/readyz`);
  return { status: res.status, body: (await res.json()) as Readiness };
}

test("/healthz answers while alive; /readyz is 503 naming the relay once its folder is gone", async (t) => {
  const h = await startActionHarness(t);
  const health = await fetch(`${h.url}/healthz`);
  assert.equal(health.status, 200);
  assert.deepEqual(await health.json(), { status: "ok" });

  const before = await readyz(h.url);
  assert.equal(before.status, 200, JSON.stringify(before.body));
  assert.deepEqual(before.body.checks.map((c) => [c.name, c.ok]), [["database", true], ["relay", true]]);

  renameSync(h.relay.root, `${h.relay.root}-gone`);
  const after = await readyz(h.url);
  assert.equal(after.status, 503);
  assert.equal(after.body.ready, false);
  const relay = after.body.checks.find((c) => c.name === "relay");
  assert.equal(relay?.ok, false);
  assert.match(relay?.detail ?? "", /relay folder .* is missing/);
});

test("/readyz says the S3 bucket does not exist when it was deleted under the action", async (t) => {
  const endpoint = await startS3Server();
  stopWith(t, endpoint);
  const admin = new S3Client({ region: "us-east-1", endpoint: endpoint.url, forcePathStyle: true, credentials: { accessKeyId: "test", secretAccessKey: "test" } });
  t.after(() => admin.destroy());
  await admin.send(new CreateBucketCommand({ Bucket: "course" }));
  const s3 = createS3RelayStore({ endpoint: endpoint.url, region: "us-east-1", bucket: "course", accessKeyId: "test", secretAccessKey: "test" });
  const h = await startActionHarness(t, { wrapStore: () => s3 });
  assert.equal((await readyz(h.url)).status, 200);

  await admin.send(new DeleteBucketCommand({ Bucket: "course" }));
  const after = await readyz(h.url);
  assert.equal(after.status, 503);
  assert.deepEqual(after.body.checks.find((c) => c.name === "relay"), { name: "relay", ok: false, detail: "bucket course does not exist" });
});
