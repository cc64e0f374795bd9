import { test } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { networkEnv } from "../../../core/config/network-env.js";
import { hasCode } from "../../../core/errors.js";
import { DirRelayStore } from "../../../core/relay/dir-store.js";
import { ObjectCache } from "../../../runner-agent/object-cache.js";
import { runProcess, type ProcessRunner } from "../../../runner-agent/process-runner.js";
import { UvEnvBuilder } from "../../../runner-agent/uv-env-builder.js";
import { publishProject, taskToml } from "../../helpers/runner-project.js";
import { tempDir } from "../../helpers/temp-dir.js";

async function setup(t: Parameters<typeof tempDir>[0], options: { uvPath?: string } = {}) {
  const root = await tempDir(t);
  const store = new DirRelayStore(join(root, "relay"));
  const project = await publishProject(t, store, { "task.toml": taskToml(["true"]) });
  const syncs: string[][] = [];
  // Real uv, its syncs counted.
  const run: ProcessRunner = (argv, opts) => {
    if (argv[1] === "sync") syncs.push([...argv]);
    return runProcess(argv, opts);
  };
  /** A builder; with `version`, one whose uv says it is that version. */
  const make = (version?: string) =>
    new UvEnvBuilder({
      root: join(root, "envs"),
      uvPath: options.uvPath ?? "uv",
      baseEnv: { ...networkEnv(process.env), PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? root },
      uvEnv: {},
      relay: store,
      objects: new ObjectCache(join(root, "objects"), store),
      run: version ? (argv, opts) => run(argv, opts).then((r) => (argv[1] === "--version" ? { ...r, stdout: version } : r)) : run,
    });
  return { root, env: project.env, syncs, builder: make(), make };
}

test("tasks that need the same environment at once wait for one build; later ones reuse it", async (t) => {
  const { builder, env, syncs } = await setup(t);
  const [a, b] = await Promise.all([builder.ensure(env), builder.ensure(env)]);
  assert.equal(syncs.length, 1);
  assert.equal(a.venvDir, b.venvDir);
  assert.ok(existsSync(join(a.venvDir, "bin", "python")));
  const c = await builder.ensure(env);
  assert.equal(c.built, false);
  assert.equal(c.venvDir, a.venvDir);
  assert.equal(syncs.length, 1);
  assert.deepEqual(syncs[0]!.slice(1), ["sync", "--frozen", "--no-install-project", "--compile-bytecode"]);
  // Shared by every task with this lockfile: nobody may write into it (root aside, see job-venv tests).
  for (const path of [a.venvDir, join(a.venvDir, "bin"), join(a.venvDir, "pyvenv.cfg")]) assert.equal(statSync(path).mode & 0o222, 0, path);
});

test("a build cut off before its ready marker is thrown away and built again", async (t) => {
  const { builder, env, syncs, root } = await setup(t);
  const first = await builder.ensure(env);
  const dir = join(first.venvDir, "..");
  rmSync(join(dir, "ready"));
  chmodSync(join(dir, "venv"), 0o755);
  mkdirSync(join(dir, "venv", "half"), { recursive: true });
  writeFileSync(join(dir, "venv", "half", "junk"), "x");
  const again = await builder.ensure(env);
  assert.equal(again.built, true);
  assert.equal(syncs.length, 2);
  assert.equal(existsSync(join(dir, "venv", "half")), false);
  assert.equal(readdirSync(join(root, "envs")).length, 1);
});

test("another uv version gets an environment of its own", async (t) => {
  const { builder, make, env } = await setup(t);
  const now = await builder.ensure(env);
  const other = await make("uv 99.0.0").ensure(env);
  assert.notEqual(now.key, other.key);
});

test("a missing uv is an error with code UvMissing that says how to install it and where it was looked for", async (t) => {
  const missing = "/nonexistent/bin/uv";
  const { builder, env } = await setup(t, { uvPath: missing });
  await assert.rejects(builder.ensure(env), (e: unknown) => hasCode(e, "UvMissing") && e.message.includes("pip install uv") && e.message.includes(missing) && e.message.includes("AILAB_UV"));
});
