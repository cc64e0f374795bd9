import assert from "node:assert/strict";
import { test } from "node:test";
import { S3ServiceException } from "@aws-sdk/client-s3";
import { isOutage, retryDelayMs } from "../../../core/relay/outage.js";

function systemError(code: string): Error {
  return Object.assign(new Error(`${code}: it failed`), { code });
}

test("a full disk, a refused or timed-out connection and an S3 5xx are outages; a bad request or a missing file is not", () => {
  for (const code of ["ENOSPC", "EDQUOT", "EROFS", "ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EAI_AGAIN"]) assert.equal(isOutage(systemError(code)), true, code);
  assert.equal(isOutage(new Error("wrapped", { cause: systemError("ENOSPC") })), true);
  const unavailable = new S3ServiceException({ name: "ServiceUnavailable", $fault: "server", $metadata: { httpStatusCode: 503 } });
  assert.equal(isOutage(unavailable), true);
  assert.equal(isOutage(Object.assign(new Error("socket hang"), { name: "TimeoutError" })), true);

  const denied = new S3ServiceException({ name: "AccessDenied", $fault: "client", $metadata: { httpStatusCode: 403 } });
  assert.equal(isOutage(denied), false);
  assert.equal(isOutage(systemError("ENOENT")), false);
  assert.equal(isOutage(new Error("task.toml: bad")), false);
  assert.equal(isOutage("not an error"), false);
});

test("retries back off from the base to the cap, with jitter within ±20 %", () => {
  assert.equal(retryDelayMs(0, 1000, 60_000, () => 0.5), 1000);
  assert.equal(retryDelayMs(3, 1000, 60_000, () => 0.5), 8000);
  assert.equal(retryDelayMs(40, 1000, 60_000, () => 0.5), 60_000);
  assert.equal(retryDelayMs(40, 1000, 60_000, () => 0), 48_000);
  assert.equal(retryDelayMs(40, 1000, 60_000, () => 0.999999), 72_000);
});
