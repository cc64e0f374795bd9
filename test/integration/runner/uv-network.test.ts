import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { networkEnv } from "../../../core/config/network-env.js";
import { hasCode } from "../../../core/errors.js";
import { DirRelayStore } from "../../../core/relay/dir-store.js";
import { ObjectCache } from "../../../runner-agent/object-cache.js";
import { runProcess } from "../../../runner-agent/process-runner.js";
import { readRunnerConfig } from "../../../runner-agent/runner-config.js";
import { UvEnvBuilder } from "../../../runner-agent/uv-env-builder.js";
import { makeWheel, serveIndex, type TestWheel } from "../../helpers/package-index.js";
import { publishProject, taskToml } from "../../helpers/runner-project.js";
import { TEST_SECRET } from "../../helpers/runner-world.js";
import { tempDir } from "../../helpers/temp-dir.js";

// Environments built from a package index on 127.0.0.1 with real uv and an
// empty uv cache, as on a fresh machine: nothing comes from PyPI.

const PYPROJECT = `[project]\nname = "mirror-demo"\nversion = "0.1.0"\nrequires-python = ">=3.8"\ndependencies = ["tinydep"]\n\n[tool.uv]\npackage = false\n`;

/** A project depending on `wheel`, locked (real `uv lock`) against `indexUrl`; returns its pyproject.toml and uv.lock. */
async function lockedProject(t: TestContext, indexUrl: string, cache: string): Promise<Record<string, string>> {
  const dir = await tempDir(t, "ailab-locked-");
  writeFileSync(join(dir, "pyproject.toml"), PYPROJECT);
  // Not execFileSync: the index answering uv runs in this process.
  await promisify(execFile)("uv", ["lock", "--quiet", "--default-index", indexUrl], { cwd: dir, env: { ...process.env, ...networkEnv(process.env), UV_CACHE_DIR: cache } });
  return { "pyproject.toml": PYPROJECT, "uv.lock": readFileSync(join(dir, "uv.lock"), "utf8") };
}

/** A builder made as the runner makes it, from `readRunnerConfig` over `env`, with a uv cache of its own (empty). */
async function runnerBuilder(t: TestContext, files: Record<string, string>, env: NodeJS.ProcessEnv) {
  const root = await tempDir(t, "ailab-mirror-");
  const store = new DirRelayStore(join(root, "relay"));
  const project = await publishProject(t, store, { ...files, "task.toml": taskToml(["true"]) });
  const config = readRunnerConfig({ relayDir: join(root, "relay"), dataDir: join(root, "runner") }, { ...process.env, AILAB_SECRET: TEST_SECRET, UV_CACHE_DIR: join(root, "uv-cache"), ...env });
  const builder = new UvEnvBuilder({
    root: join(root, "envs"),
    uvPath: config.uvPath,
    baseEnv: config.baseEnv,
    uvEnv: config.uvEnv,
    ...(config.packageIndex ? { packageIndex: config.packageIndex } : {}),
    relay: store,
    objects: new ObjectCache(join(root, "objects"), store),
    run: runProcess,
  });
  return { builder, env: project.env };
}

function importValue(venvDir: string): string {
  const out = spawnSync(join(venvDir, "bin", "python"), ["-c", "import tinydep; print(tinydep.VALUE)"], { encoding: "utf8" });
  assert.equal(out.status, 0, out.stderr);
  return out.stdout.trim();
}

async function wheelAndLock(t: TestContext): Promise<{ wheel: TestWheel; files: Record<string, string>; upstream: Awaited<ReturnType<typeof serveIndex>> }> {
  const dir = await tempDir(t, "ailab-wheels-");
  const wheel = makeWheel(join(dir, "wheels"), "tinydep", "1.0.0", 7);
  const upstream = await serveIndex(t, [wheel]);
  const files = await lockedProject(t, upstream.url, join(dir, "lock-cache"));
  return { wheel, files, upstream };
}

test("with AILAB_PACKAGE_INDEX the environment comes from the mirror, though uv.lock names another index", async (t) => {
  const { wheel, files, upstream } = await wheelAndLock(t);
  assert.match(files["uv.lock"]!, new RegExp(upstream.url.replace(/[.:/]/g, "\\$&")));
  await upstream.close();
  const mirror = await serveIndex(t, [wheel]);

  const withMirror = await runnerBuilder(t, files, { AILAB_PACKAGE_INDEX: mirror.url });
  const built = await withMirror.builder.ensure(withMirror.env);
  assert.equal(importValue(built.venvDir), "7");
  assert.ok(mirror.requests.some((path) => path.startsWith("/simple/tinydep")), mirror.requests.join(", "));

  // The same build without the mirror goes to the lock's index, which is down.
  const without = await runnerBuilder(t, files, { UV_HTTP_RETRIES: "0" });
  await assert.rejects(without.builder.ensure(without.env), (e: unknown) => hasCode(e, "EnvBuildFailed") || (e instanceof Error && /uv sync/.test(e.message)));
});

test("a mirror that serves a file other than the locked one is refused by its hash", async (t) => {
  const { files, upstream } = await wheelAndLock(t);
  await upstream.close();
  const other = makeWheel(join(await tempDir(t, "ailab-other-"), "wheels"), "tinydep", "1.0.0", 666);
  const mirror = await serveIndex(t, [other]);
  const { builder, env } = await runnerBuilder(t, files, { AILAB_PACKAGE_INDEX: mirror.url });
  await assert.rejects(builder.ensure(env), (e: unknown) => e instanceof Error && /hash/i.test(e.message));
});

test("the runner's proxy settings reach uv: a lock whose index resolves nowhere builds through HTTP_PROXY", async (t) => {
  const { wheel, files, upstream } = await wheelAndLock(t);
  // The lock now names a host that does not resolve; only a proxy can reach it.
  const unreachable = "http://packages.ailab-test.invalid";
  const origin = new URL(upstream.url).origin;
  const lock = files["uv.lock"]!.split(origin).join(unreachable);
  const proxy = await serveIndex(t, [wheel]);
  const proxyUrl = new URL(proxy.url).origin;
  const { builder, env } = await runnerBuilder(t, { ...files, "uv.lock": lock }, { HTTP_PROXY: proxyUrl, http_proxy: proxyUrl, NO_PROXY: "", no_proxy: "" });
  const built = await builder.ensure(env);
  assert.equal(importValue(built.venvDir), "7");
  assert.ok(proxy.rawUrls.some((url) => url.startsWith(`${unreachable}/`)), proxy.rawUrls.join(", "));
});
