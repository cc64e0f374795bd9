import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { test } from "node:test";
import { readRelayConfig, readRelaySecret } from "../../../core/config/read-relay-settings.js";
import { hasCode } from "../../../core/errors.js";
import { tempDir } from "../../helpers/temp-dir.js";

const keys = { AWS_ACCESS_KEY_ID: "minioadmin", AWS_SECRET_ACCESS_KEY: "minioadmin" };

test("a folder relay from the flag, AILAB_RELAY or AILAB_RELAY_DIR", () => {
  assert.deepEqual(readRelayConfig("relay", {}), { kind: "dir", path: resolve("relay") });
  assert.deepEqual(readRelayConfig(undefined, { AILAB_RELAY: "/srv/relay" }), { kind: "dir", path: "/srv/relay" });
  assert.deepEqual(readRelayConfig(undefined, { AILAB_RELAY_DIR: "/srv/r" }), { kind: "dir", path: "/srv/r" });
});

test("s3://bucket/prefix selects S3 with the endpoint, region and keys from the environment", () => {
  assert.deepEqual(readRelayConfig("s3://ailab/course-2026/", { ...keys, AILAB_S3_ENDPOINT: "http://127.0.0.1:9000" }), {
    kind: "s3", bucket: "ailab", prefix: "course-2026/", region: "us-east-1",
    accessKeyId: "minioadmin", secretAccessKey: "minioadmin", endpoint: "http://127.0.0.1:9000", forcePathStyle: true,
  });
  assert.equal(readRelayConfig("s3://ailab", { ...keys, AILAB_S3_REGION: "eu-west-1" }).kind, "s3");
});

test("a bad relay names the setting and the expected form", () => {
  assert.throws(() => readRelayConfig(undefined, {}), (e) => hasCode(e, "ConfigError") && /AILAB_RELAY/.test(e.message));
  assert.throws(() => readRelayConfig("s3://UPPER_case", keys), (e) => hasCode(e, "ConfigError") && /s3:\/\/BUCKET/.test(e.message));
  assert.throws(() => readRelayConfig("s3://ailab", {}), (e) => hasCode(e, "ConfigError") && /AWS_ACCESS_KEY_ID/.test(e.message));
  assert.throws(() => readRelayConfig("s3://ailab", { ...keys, AILAB_S3_ENDPOINT: "minio:9000" }), (e) => hasCode(e, "ConfigError"));
});

test("the secret comes from AILAB_SECRET or a file, is checked for length, and is never quoted back", async (t) => {
  const dir = await tempDir(t);
  const file = join(dir, "secret");
  await writeFile(file, "0123456789abcdef0123\n");
  assert.equal(readRelaySecret(undefined, { AILAB_SECRET: "s".repeat(20) }), "s".repeat(20));
  assert.equal(readRelaySecret(file, {}), "0123456789abcdef0123");
  assert.equal(readRelaySecret(undefined, { AILAB_SECRET_FILE: file }), "0123456789abcdef0123");
  assert.throws(() => readRelaySecret(undefined, { AILAB_SECRET: "short-one" }), (e) => hasCode(e, "ConfigError") && !e.message.includes("short-one"));
  assert.throws(() => readRelaySecret(join(dir, "missing"), {}), (e) => hasCode(e, "ConfigError"));
  assert.throws(() => readRelaySecret(undefined, {}), (e) => hasCode(e, "ConfigError"));
});
