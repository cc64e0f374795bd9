import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { parseListen, readActionConfig, readDataDir } from "../../../action/action-config.js";
import { tempDir } from "../../helpers/temp-dir.js";

const SECRET = "0123456789abcdef0123";

test("flags win over environment variables, which fill in the rest", () => {
  const config = readActionConfig(
    { dataDir: "/srv/action", listen: "0.0.0.0:9000" },
    { AILAB_ACTION_DIR: "/ignored", AILAB_RELAY_DIR: "/srv/relay", AILAB_SECRET: SECRET, AILAB_RUNNER_NAME: "gpu-box", AILAB_PUBLIC_URL: "https://ailab.example.org/", PATH: "/bin" },
  );
  assert.equal(config.dataDir, "/srv/action");
  assert.deepEqual(config.relay, { kind: "dir", path: "/srv/relay" });
  assert.equal(config.host, "0.0.0.0");
  assert.equal(config.port, 9000);
  assert.equal(config.runnerName, "gpu-box");
  assert.equal(config.publicUrl, "https://ailab.example.org");
  assert.equal(config.secret, SECRET);
  assert.equal(config.searchPath, "/bin");
  assert.equal(config.pollMinMs, 1000);
  assert.equal(config.pollMaxMs, 15000);
});

test("the secret may come from a file", async (t) => {
  const dir = await tempDir(t);
  const file = join(dir, "secret");
  writeFileSync(file, `${SECRET}\n`);
  const config = readActionConfig({ relayDir: dir, secretFile: file }, { AILAB_ACTION_DIR: dir });
  assert.equal(config.secret, SECRET);
});

test("bad values are ConfigErrors quoting the value and the expected form, never the secret", () => {
  const base = { relayDir: "/r", dataDir: "/d", secret: SECRET };
  const cases: [object, RegExp][] = [
    [{ ...base, listen: "localhost" }, /"localhost" is not of the form HOST:PORT/],
    [{ ...base, listen: "1.2.3.4:99999" }, /"1\.2\.3\.4:99999"/],
    [{ ...base, runnerName: "Bad Name" }, /"Bad Name" must match/],
    [{ ...base, publicUrl: "ftp://x" }, /"ftp:\/\/x" is not an http\(s\) URL/],
    [{ ...base, pollMinMs: "fast" }, /poll-min-ms "fast" is not a whole number/],
    [{ ...base, pollMinMs: 500, pollMaxMs: 100 }, /below poll-min-ms/],
    [{ dataDir: "/d", secret: SECRET }, /no relay: pass --relay/],
    [{ relayDir: "/r", dataDir: "/d" }, /no relay secret/],
    [{ ...base, secretFile: undefined, secret: "short-secret" }, /12 characters long: expected at least 16/],
    [{ relayDir: "/r", dataDir: "/d", secretFile: "/no/such/file" }, /cannot read the secret file "\/no\/such\/file"/],
  ];
  for (const [options, message] of cases) {
    assert.throws(() => readActionConfig(options, {}), (e: unknown) => {
      assert.equal((e as { code?: string }).code, "ConfigError");
      assert.match((e as Error).message, message);
      assert.doesNotMatch((e as Error).message, /short-secret/);
      return true;
    });
  }
});

test("the data folder defaults under XDG_DATA_HOME or ~/.local/share", () => {
  assert.equal(readDataDir({}, { XDG_DATA_HOME: "/x" }), "/x/ailab/action");
  assert.equal(readDataDir({}, { HOME: "/home/a" }), "/home/a/.local/share/ailab/action");
  assert.equal(readDataDir({}, { AILAB_ACTION_DIR: "/e" }), "/e");
});

test("listen addresses", () => {
  assert.deepEqual(parseListen(":0"), { host: "127.0.0.1", port: 0 });
  assert.deepEqual(parseListen("[::1]:8080"), { host: "::1", port: 8080 });
});

test("a runner counts as stale after 10 minutes unless configured otherwise", () => {
  const base = { relayDir: "/r", dataDir: "/d", secret: SECRET };
  assert.equal(readActionConfig(base, {}).runnerStaleMs, 600_000);
  assert.equal(readActionConfig(base, { AILAB_RUNNER_STALE_MS: "30000" }).runnerStaleMs, 30_000);
  assert.throws(() => readActionConfig({ ...base, runnerStaleMs: "10m" }, {}), { code: "ConfigError" });
});
