import { lstat, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { isPackageProject } from "../core/python/is-package-project.js";
import { errnoCode } from "../core/errors.js";
import type { ProcessRunner } from "./process-runner.js";
import { envBuildError } from "./uv-errors.js";

export interface JobVenvOptions {
  uvPath: string;
  /** The shared, read-only environment built for the task's lockfile. */
  sharedVenv: string;
  /** `<job>/venv`: replaced as a whole. */
  venvDir: string;
  /** The folder of the job's pyproject.toml (its project copy), or undefined when the job has none. */
  projectRoot: string | undefined;
  env: Record<string, string>;
  run: ProcessRunner;
  signal?: AbortSignal;
}

/** The shared environment's entries in the job's venv: its site-packages through a .pth. */
const SHARED_PTH = "_ailab_shared_env.pth";

/**
 * The job's own venv, laid over the shared environment, so that the
 * student's project is installed as `uv sync` would install it on their
 * laptop without touching what other tasks share. It is a venv of the same
 * interpreter (`uv venv --python <shared>/bin/python`) whose site-packages
 * holds one .pth that adds the shared site-packages (with their own .pth
 * files, through `site.addsitedir`); the shared environment's programs
 * (`torchrun`, `pytest`) are in its bin/ too, their `#!` rewritten to this
 * venv's python so they see the project; and `uv` is the runner's own uv.
 * A project that is a package (see isPackageProject) is then installed
 * into it, editable and without dependencies (`uv pip install --no-deps
 * -e`), which builds it with its own build backend. Whatever a job
 * installs (`uv pip install`, `uv sync`, `python -m pip`) lands here, in
 * the job's folder, and goes with it.
 */
export async function makeJobVenv(options: JobVenvOptions): Promise<{ output: string }> {
  const { uvPath, sharedVenv, venvDir, env, run, signal } = options;
  await rm(venvDir, { recursive: true, force: true });
  const python = join(sharedVenv, "bin", "python");
  const steps: [string, string[]][] = [["uv venv", [uvPath, "venv", "--quiet", "--python", python, venvDir]]];
  let output = "";
  const runStep = async ([step, argv]: [string, string[]], cwd: string) => {
    const result = await run(argv, { cwd, env, ...(signal ? { signal } : {}) });
    output += result.stdout + result.stderr;
    if (result.exitCode !== 0) throw envBuildError(step, { ...result, stdout: output, stderr: result.stderr });
  };
  await runStep(steps[0]!, sharedVenv);
  const sharedSite = await sitePackages(sharedVenv);
  await writeFile(join(await sitePackages(venvDir), SHARED_PTH), `import site; site.addsitedir(${JSON.stringify(sharedSite)})\n`);
  await linkPrograms(sharedVenv, venvDir, uvPath);
  const root = options.projectRoot;
  if (root && isPackageProject(await readFileOrEmpty(join(root, "pyproject.toml")))) {
    await runStep(["uv pip install (the project)", [uvPath, "pip", "install", "--python", join(venvDir, "bin", "python"), "--no-deps", "--editable", root]], root);
  }
  return { output };
}

/** `<venv>/lib/pythonX.Y/site-packages` (the one a venv made by uv has). */
export async function sitePackages(venvDir: string): Promise<string> {
  const lib = join(venvDir, "lib");
  const versions = (await readdir(lib)).filter((name) => /^(python|pypy)\d/.test(name));
  if (versions.length !== 1) throw new Error(`${lib} holds ${versions.length} Python folders, expected one`);
  return join(lib, versions[0]!, "site-packages");
}

/**
 * Puts uv and the shared environment's programs in the job venv's bin/:
 * uv as a link to the runner's uv (so `uv run` in a task is the uv that
 * built the env, not a shim that depends on the folder), a Python script
 * as a copy whose `#!` line (or, for a long path, the `exec` line uv writes
 * under `#!/bin/sh`) names this venv's python, anything else as a link.
 * What the venv already has (python, activate) stays.
 */
async function linkPrograms(sharedVenv: string, venvDir: string, uvPath: string): Promise<void> {
  const bin = join(venvDir, "bin");
  const taken = new Set(await readdir(bin));
  const sharedPython = join(sharedVenv, "bin", "python");
  if (!taken.has("uv")) await symlink(uvPath, join(bin, "uv"));
  taken.add("uv");
  for (const name of await readdir(join(sharedVenv, "bin"))) {
    if (taken.has(name)) continue;
    const source = join(sharedVenv, "bin", name);
    const info = await lstat(source);
    const text = info.isFile() && info.size < 1024 * 1024 ? (await readFile(source)).toString("utf8") : "";
    const lines = text.split("\n");
    const head = lines.slice(0, 3).join("\n");
    if (text.startsWith("#!") && head.includes(sharedPython)) {
      const rewritten = [head.split(sharedPython).join(join(bin, "python")), ...lines.slice(3)].join("\n");
      await writeFile(join(bin, name), rewritten, { mode: 0o755 });
    } else {
      await symlink(source, join(bin, name));
    }
  }
}

async function readFileOrEmpty(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (e) {
    if (errnoCode(e) === "ENOENT") return "";
    throw e;
  }
}
