import { test } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_COLLECTION_LIMITS, readCollectionLimits } from "../../../runner-agent/collection-limits.js";
import { readRunnerConfig } from "../../../runner-agent/runner-config.js";

test("collection limits: defaults, sizes with K/M/G/T from the environment, the flag winning", () => {
  assert.deepEqual(readCollectionLimits({}, {}), { logBytes: 64 * 2 ** 20, resultBytes: 2 * 2 ** 30, resultFiles: 10_000 });
  assert.deepEqual(readCollectionLimits({ maxLogSize: "1M" }, { AILAB_MAX_LOG_SIZE: "5G", AILAB_MAX_RESULTS_SIZE: "3g", AILAB_MAX_RESULT_FILES: "7" }), {
    logBytes: 2 ** 20,
    resultBytes: 3 * 2 ** 30,
    resultFiles: 7,
  });
  assert.equal(readCollectionLimits({ maxResultsSize: "512KiB" }, {}).resultBytes, 512 * 1024);
  assert.deepEqual(readRunnerConfig({ relayDir: "/tmp/relay", dataDir: "/tmp/data" }, { AILAB_SECRET: "s".repeat(32) }).limits, DEFAULT_COLLECTION_LIMITS);
});

test("a bad limit is quoted back under the name it was given by, with the form expected", () => {
  assert.throws(() => readCollectionLimits({}, { AILAB_MAX_LOG_SIZE: "lots" }), (e: { code?: string; message?: string }) => {
    assert.equal(e.code, "ConfigError");
    assert.match(e.message ?? "", /^AILAB_MAX_LOG_SIZE "lots" is not valid: expected a size in bytes, or with K, M, G or T, such as 64M$/);
    return true;
  });
  assert.throws(() => readCollectionLimits({ maxResultFiles: "0" }, {}), /--max-result-files "0" is not valid: expected a whole number of at least 1/);
});
