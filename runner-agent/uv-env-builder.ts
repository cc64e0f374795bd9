import { existsSync } from "node:fs";
import { copyFile, mkdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { canonicalJson } from "../core/canonical-json.js";
import { envHash } from "../core/env-hash.js";
import { AilabError, errnoCode } from "../core/errors.js";
import { sha256 } from "../core/hash.js";
import { EnvManifest } from "../core/protocol/messages.js";
import { relayKeys } from "../core/relay/layout.js";
import { isWheelFileName } from "../core/task/wheel-file-name.js";
import type { RelayStore } from "../core/relay/relay-store.js";
import { makeJobVenv } from "./job-venv.js";
import type { ObjectCache } from "./object-cache.js";
import type { ProcessRunner } from "./process-runner.js";
import { setTreeWritable } from "./tree-write-access.js";
import { envBuildError, uvMissingError } from "./uv-errors.js";

export interface UvEnvBuilderOptions {
  /** `<dataDir>/envs`. */
  root: string;
  /** Absolute (see findUv), so that no folder's `.python-version` changes which uv runs. */
  uvPath: string;
  /** The environment uv starts from (the runner's, without AILAB_*), then `uvEnv` on top. */
  baseEnv: Record<string, string>;
  uvEnv: Record<string, string>;
  /** A package index mirror to download every package from (see RunnerConfig.packageIndex). */
  packageIndex?: string;
  relay: RelayStore;
  objects: ObjectCache;
  run: ProcessRunner;
}

/** A ready environment: `venvDir/bin/python` runs the job. */
export interface BuiltEnv {
  key: string;
  venvDir: string;
  /** True when this call built it, false when it was in the cache. */
  built: boolean;
}

/**
 * Builds Python environments with uv, once per (env hash, uv version):
 * `<root>/<key>/venv`, made by `uv sync --frozen --no-install-project` from
 * the pushed pyproject.toml and uv.lock, plus the extra wheels, with
 * bytecode compiled; then made read-only, since every task with the same
 * lockfile shares it (a task's own project goes into its job's venv, see
 * makeJobVenv); a `ready` marker written last says it is complete. A venv cannot be moved, so it is
 * built where it will be used; a folder without the marker is a build that
 * was cut off and is built again. Tasks that need the same environment at
 * the same time wait for one build.
 */
export class UvEnvBuilder {
  private readonly builds = new Map<string, { promise: Promise<void>; controller: AbortController; waiters: number }>();
  /** What `uv --version` said last (see isCached). */
  private lastUvVersion: string | undefined;

  constructor(private readonly options: UvEnvBuilderOptions) {}

  /** `uv --version`, asked each time so an upgraded uv gets environments of its own. */
  async uvVersion(): Promise<string> {
    let result;
    try {
      result = await this.options.run([this.options.uvPath, "--version"], { env: this.env() });
    } catch (e) {
      if (errnoCode(e) === "ENOENT" || errnoCode(e) === "EACCES") throw uvMissingError(this.options.uvPath, e);
      throw e;
    }
    if (result.exitCode !== 0) throw envBuildError("uv --version", result);
    this.lastUvVersion = result.stdout.trim();
    return this.lastUvVersion;
  }

  /**
   * Whether the environment for `hash` is in the cache, judged by the uv
   * version last asked, without starting a process: what the status says
   * while a task is prepared ("using cached environment" or "building
   * environment"). `ensure` decides for real.
   */
  isCached(hash: string): boolean {
    return this.lastUvVersion !== undefined && existsSync(join(this.options.root, this.keyFor(hash, this.lastUvVersion), "ready"));
  }

  /**
   * The Python versions environments can be built with, newest first and
   * each once: those uv finds installed (`uv python list --only-installed`),
   * asked from `/` so that no folder's `.python-version` (a pyenv shim reads
   * it) changes the answer. Pythons uv would download are left out: a
   * runner behind a campus network often cannot, and a build should not
   * depend on it; an admin installs more with `uv python install`.
   */
  async pythons(): Promise<string[]> {
    // Bounded: a uv that hangs here (a dead network share on PATH) must not keep the runner from starting.
    const result = await this.runUv([this.options.uvPath, "python", "list", "--only-installed", "--output-format", "json"], { cwd: "/", env: this.env(), signal: AbortSignal.timeout(30_000) });
    if (result.exitCode !== 0) throw envBuildError("uv python list", result);
    return pythonVersions(result.stdout);
  }

  /** The environment for `hash`, built unless it is cached. `signal` stops waiting (and the build, if nobody else waits). */
  async ensure(hash: string, signal?: AbortSignal): Promise<BuiltEnv> {
    const key = this.keyFor(hash, await this.uvVersion());
    const dir = join(this.options.root, key);
    const venvDir = join(dir, "venv");
    if (await isFile(join(dir, "ready"))) return { key, venvDir, built: false };
    let build = this.builds.get(key);
    if (!build) {
      const controller = new AbortController();
      const promise = this.build(hash, dir, controller.signal).finally(() => this.builds.delete(key));
      build = { promise, controller, waiters: 0 };
      this.builds.set(key, build);
    }
    build.waiters++;
    try {
      await untilAborted(build.promise, signal);
      return { key, venvDir, built: true };
    } finally {
      build.waiters--;
      if (build.waiters === 0 && signal?.aborted) build.controller.abort();
    }
  }

  private keyFor(hash: string, uvVersion: string): string {
    return sha256(`${hash}\n${uvVersion}`);
  }

  private async build(hash: string, dir: string, signal: AbortSignal): Promise<void> {
    const { relay, objects, uvPath } = this.options;
    const manifest = await readEnvManifest(relay, hash);
    await objects.fetchAll([manifest.pyproject, manifest.lockfile, ...(manifest.pythonVersion ? [manifest.pythonVersion] : []), ...manifest.wheels.map((w) => w.object)]);
    // A build cut off after the venv was made read-only cannot be removed without write access back.
    await setTreeWritable(dir, true);
    await rm(dir, { recursive: true, force: true });
    const buildDir = join(dir, "build");
    await mkdir(join(buildDir, "wheels"), { recursive: true });
    await copyFile(objects.pathOf(manifest.pyproject), join(buildDir, "pyproject.toml"));
    await copyFile(objects.pathOf(manifest.lockfile), join(buildDir, "uv.lock"));
    if (manifest.pythonVersion) await copyFile(objects.pathOf(manifest.pythonVersion), join(buildDir, ".python-version"));
    const wheels: string[] = [];
    for (const wheel of manifest.wheels) {
      if (!isWheelFileName(wheel.name)) throw new AilabError("BadManifest", `extra wheel name ${JSON.stringify(wheel.name)} is not a wheel file name`);
      wheels.push(join(buildDir, "wheels", wheel.name));
      await copyFile(objects.pathOf(wheel.object), wheels[wheels.length - 1]!);
    }
    const venvDir = join(dir, "venv");
    const env = { ...this.env(), UV_PROJECT_ENVIRONMENT: venvDir };
    const steps = dependencySteps(uvPath, buildDir, venvDir, this.options.packageIndex);
    if (wheels.length > 0) steps.push(["uv pip install", [uvPath, "pip", "install", "--python", join(venvDir, "bin", "python"), "--compile-bytecode", ...wheels]]);
    let output = "";
    for (const [step, argv] of steps) {
      const result = await this.runUv(argv, { cwd: buildDir, env, signal });
      output += result.stdout + result.stderr;
      await writeFile(join(dir, "build.log"), output);
      if (signal.aborted) throw new AilabError("BuildCancelled", "the environment build was stopped");
      if (result.exitCode !== 0) throw envBuildError(step, result);
    }
    // Jobs import from it but never write: the bytecode is compiled above, so Python need not write __pycache__.
    await setTreeWritable(venvDir, false);
    await writeFile(join(dir, "ready.tmp"), canonicalJson({ envHash: hash, builtAt: new Date().toISOString() }));
    await rename(join(dir, "ready.tmp"), join(dir, "ready"));
  }

  /** The job's own venv over the shared environment `sharedVenv` (see makeJobVenv), made with the same uv and environment. */
  async jobVenv(sharedVenv: string, venvDir: string, projectRoot: string | undefined, signal?: AbortSignal): Promise<void> {
    const { uvPath } = this.options;
    const run: ProcessRunner = async (argv, options) => {
      try {
        return await this.options.run(argv, options);
      } catch (e) {
        if (errnoCode(e) === "ENOENT" || errnoCode(e) === "EACCES") throw uvMissingError(uvPath, e);
        throw e;
      }
    };
    await makeJobVenv({ uvPath, sharedVenv, venvDir, projectRoot, env: this.env(), run, ...(signal ? { signal } : {}) });
    if (signal?.aborted) throw new AilabError("BuildCancelled", "the environment build was stopped");
  }

  private async runUv(argv: string[], options: { cwd: string; env: Record<string, string>; signal?: AbortSignal }) {
    try {
      return await this.options.run(argv, options);
    } catch (e) {
      if (errnoCode(e) === "ENOENT" || errnoCode(e) === "EACCES") throw uvMissingError(this.options.uvPath, e);
      throw e;
    }
  }

  private env(): Record<string, string> {
    const env: Record<string, string> = { ...this.options.baseEnv, ...this.options.uvEnv, NO_COLOR: "1", UV_NO_PROGRESS: "1" };
    if (this.options.packageIndex) env.UV_DEFAULT_INDEX = this.options.packageIndex;
    delete env.VIRTUAL_ENV;
    return env;
  }
}

/**
 * The uv commands that install a project's locked dependencies into
 * `venvDir`. Without a mirror: `uv sync --frozen`. `uv sync --frozen`
 * downloads from the URLs written in uv.lock and ignores every index setting,
 * so with a mirror the lock is exported (exact versions and hashes) and
 * installed with `uv pip sync` from the mirror; uv checks each file against
 * the lock's hash, so the mirror cannot change what is installed.
 */
function dependencySteps(uvPath: string, buildDir: string, venvDir: string, packageIndex: string | undefined): [string, string[]][] {
  if (!packageIndex) return [["uv sync", [uvPath, "sync", "--frozen", "--no-install-project", "--compile-bytecode"]]];
  const requirements = join(buildDir, "locked-requirements.txt");
  return [
    ["uv export", [uvPath, "export", "--frozen", "--no-emit-project", "--no-header", "--format", "requirements.txt", "--output-file", requirements]],
    ["uv venv", [uvPath, "venv", "--quiet", venvDir]],
    ["uv pip sync", [uvPath, "pip", "sync", "--python", join(venvDir, "bin", "python"), "--default-index", packageIndex, "--compile-bytecode", requirements]],
  ];
}

/** The versions in `uv python list --output-format json`, CPython only, newest first, each once. */
function pythonVersions(json: string): string[] {
  let list: unknown;
  try {
    list = JSON.parse(json);
  } catch {
    return [];
  }
  if (!Array.isArray(list)) return [];
  const versions = new Set<string>();
  for (const item of list as { version?: unknown; implementation?: unknown }[]) {
    if (typeof item?.version === "string" && item.implementation === "cpython" && /^\d+\.\d+\.\d+$/.test(item.version)) versions.add(item.version);
  }
  const parts = (v: string) => v.split(".").map(Number);
  return [...versions].sort((a, b) => {
    const [x, y] = [parts(a), parts(b)];
    return y[0]! - x[0]! || y[1]! - x[1]! || y[2]! - x[2]!;
  });
}

async function readEnvManifest(relay: RelayStore, hash: string): Promise<EnvManifest> {
  const raw = await relay.get(relayKeys.env(hash));
  if (!raw) throw new AilabError("ObjectMissing", `the environment ${hash} is not in the relay`, { envHash: hash });
  const parsed = EnvManifest.safeParse(JSON.parse(Buffer.from(raw).toString("utf8")));
  if (!parsed.success || envHash(parsed.data) !== hash) {
    throw new AilabError("BadManifest", `the environment ${hash} is not a valid environment manifest`, { envHash: hash });
  }
  return parsed.data;
}

/** Waits for `promise`; rejects with BuildCancelled as soon as `signal` aborts. */
function untilAborted<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  const cancelled = () => new AilabError("BuildCancelled", "the environment build was stopped");
  if (signal.aborted) return Promise.reject(cancelled());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(cancelled());
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch (e) {
    if (errnoCode(e) === "ENOENT") return false;
    throw e;
  }
}
