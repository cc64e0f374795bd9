import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { hasCode } from "../../../core/errors.js";
import { readRunnerConfig } from "../../../runner-agent/runner-config.js";
import { tempDir } from "../../helpers/temp-dir.js";

const SECRET = "a-secret-long-enough-1234";

test("configuration comes from environment variables, flags win, defaults fill the rest", () => {
  const config = readRunnerConfig(
    { maxJobs: "3" },
    { AILAB_RELAY_DIR: "/srv/relay", AILAB_SECRET: SECRET, AILAB_RUNNER_NAME: "gpu-box", AILAB_MAX_JOBS: "2", HOME: "/home/lab", PATH: "/usr/bin", UV_CACHE_DIR: "/cache/uv" },
  );
  assert.deepEqual(config.relay, { kind: "dir", path: "/srv/relay" });
  assert.equal(config.name, "gpu-box");
  assert.equal(config.scheduler.maxJobs, 3);
  assert.equal(config.dataDir, "/home/lab/.ailab/runner");
  assert.equal(config.uvPath, "uv");
  assert.deepEqual(config.uvEnv, { UV_CACHE_DIR: "/cache/uv" });
  assert.equal(config.pollMinMs, 1000);
  assert.ok(config.pollMaxMs >= config.pollMinMs);
});

test("a Python install mirror is passed to uv as UV_PYTHON_INSTALL_MIRROR; the flag wins; a non-URL is refused", () => {
  const env = { AILAB_RELAY_DIR: "/r", AILAB_SECRET: SECRET, HOME: "/h", AILAB_PYTHON_INSTALL_MIRROR: "https://mirror.campus.example/python-build-standalone" };
  assert.deepEqual(readRunnerConfig({}, env).uvEnv, { UV_PYTHON_INSTALL_MIRROR: "https://mirror.campus.example/python-build-standalone" });
  assert.deepEqual(readRunnerConfig({ pythonInstallMirror: "file:///srv/pbs" }, env).uvEnv, { UV_PYTHON_INSTALL_MIRROR: "file:///srv/pbs" });
  assert.throws(
    () => readRunnerConfig({ pythonInstallMirror: "mirror.example" }, env),
    (e) => hasCode(e, "ConfigError") && e.message.includes("--python-install-mirror") && e.data.setting === "--python-install-mirror",
  );
});

test("the relay secret never reaches the environment jobs and uv get", () => {
  const config = readRunnerConfig({}, { AILAB_RELAY_DIR: "/r", AILAB_SECRET: SECRET, HOME: "/h", PATH: "/usr/bin" });
  assert.equal(config.secret, SECRET);
  assert.deepEqual(Object.keys(config.baseEnv).sort(), ["HOME", "PATH"]);
});

test("the secret can come from a file (flag or AILAB_SECRET_FILE)", async (t) => {
  const dir = await tempDir(t);
  const file = join(dir, "secret");
  writeFileSync(file, `${SECRET}\n`);
  assert.equal(readRunnerConfig({ secretFile: file }, { AILAB_RELAY_DIR: "/r", HOME: "/h" }).secret, SECRET);
  assert.equal(readRunnerConfig({}, { AILAB_RELAY_DIR: "/r", HOME: "/h", AILAB_SECRET_FILE: file }).secret, SECRET);
});

test("bad values are quoted back with the form expected, and the secret is never quoted", () => {
  const env = { AILAB_RELAY_DIR: "/r", AILAB_SECRET: SECRET, HOME: "/h" };
  const cases: [Record<string, string>, NodeJS.ProcessEnv, RegExp][] = [
    [{}, { ...env, AILAB_MAX_JOBS: "many" }, /AILAB_MAX_JOBS "many" is not valid: expected a whole number of at least 1/],
    [{ pollMinMs: "-5" }, env, /--poll-min-ms "-5" is not valid: expected a whole number/],
    [{ name: "a/b" }, env, /runner name "a\/b" is not valid: expected letters, digits/],
    [{}, { HOME: "/h", AILAB_SECRET: SECRET }, /no relay: pass --relay \(a folder or s3:\/\/BUCKET\/PREFIX\) or set AILAB_RELAY/],
    [{}, { AILAB_RELAY_DIR: "/r", HOME: "/h" }, /no relay secret: set AILAB_SECRET, or AILAB_SECRET_FILE/],
    [{}, { ...env, AILAB_SECRET: "short" }, /5 characters long: expected at least 16/],
    [{ secretFile: "/no/such/file" }, env, /cannot read the secret file "\/no\/such\/file" \(ENOENT\)/],
    [{}, { ...env, AILAB_PACKAGE_INDEX: "mirror.example.org/simple" }, /AILAB_PACKAGE_INDEX "mirror.example.org\/simple" is not valid: expected the http\(s\) URL of a package index/],
    [{ packageIndex: "https://me:pw@mirror.example.org/simple" }, env, /--package-index holds credentials: give the mirror's URL without them/],
  ];
  for (const [flags, vars, message] of cases) {
    assert.throws(
      () => readRunnerConfig(flags, vars),
      (e: unknown) => hasCode(e, "ConfigError") && message.test(e.message) && !e.message.includes(SECRET) && !e.message.includes(":pw@"),
      message.source,
    );
  }
});

test("an S3 relay comes from s3://BUCKET/PREFIX, and neither the S3 keys nor ailab's settings reach jobs", () => {
  const config = readRunnerConfig(
    { relay: "s3://ailab/course" },
    { AILAB_SECRET: SECRET, HOME: "/h", PATH: "/usr/bin", AWS_ACCESS_KEY_ID: "key-id", AWS_SECRET_ACCESS_KEY: "s3-secret", AILAB_S3_ENDPOINT: "http://127.0.0.1:9000" },
  );
  assert.equal(config.relay.kind, "s3");
  assert.deepEqual(Object.keys(config.baseEnv).sort(), ["HOME", "PATH"]);
});

test("the network settings (CA bundles, proxies, UV_*) reach uv and jobs, and a package index mirror is an URL", () => {
  const network = { SSL_CERT_FILE: "/etc/campus-ca.pem", SSL_CERT_DIR: "/etc/ssl/certs", HTTPS_PROXY: "http://proxy:3128", https_proxy: "http://proxy:3128", NO_PROXY: "localhost", UV_INDEX_STRATEGY: "first-index" };
  const config = readRunnerConfig({}, { AILAB_RELAY_DIR: "/r", AILAB_SECRET: SECRET, HOME: "/h", AILAB_PACKAGE_INDEX: "https://mirror.example.org/pypi/simple/", ...network });
  for (const [name, value] of Object.entries(network)) assert.equal(config.baseEnv[name], value, name);
  assert.equal(config.uvEnv.UV_INDEX_STRATEGY, "first-index");
  assert.equal(config.packageIndex, "https://mirror.example.org/pypi/simple");
  assert.equal(readRunnerConfig({}, { AILAB_RELAY_DIR: "/r", AILAB_SECRET: SECRET, HOME: "/h" }).packageIndex, undefined);
});
