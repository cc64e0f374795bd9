import { constants } from "node:fs";
import { access, readFile, realpath, stat } from "node:fs/promises";
import { basename, delimiter, dirname, isAbsolute, join, resolve } from "node:path";
import type { ProcessRunner } from "./process-runner.js";

/**
 * The uv executable as an absolute path, found once at start so that every
 * build and every job runs the same uv whatever folder it runs in. `setting`
 * is AILAB_UV (a name looked up in PATH, or a path). A pyenv shim is not the
 * answer: which program it runs depends on the `.python-version` of the
 * folder it is run in, so a project naming a Python pyenv lacks made
 * `pyenv: uv: command not found` in the build. A shim is resolved with
 * `pyenv which` from `/` (pyenv's global choice); a shim that cannot be
 * resolved is passed over for the next PATH entry. Returns undefined when no
 * uv is found: the caller keeps `setting` and the start-up check says how to
 * install uv.
 */
export async function findUv(setting: string, env: Record<string, string | undefined>, run: ProcessRunner): Promise<string | undefined> {
  if (setting.includes("/")) return (await executable(resolve(setting))) ? realpath(resolve(setting)) : undefined;
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (dir === "" || !isAbsolute(dir)) continue;
    const candidate = join(dir, setting);
    if (!(await executable(candidate))) continue;
    const pyenv = await pyenvOfShim(candidate);
    if (!pyenv) return realpath(candidate);
    const resolved = await resolveShim(pyenv, setting, env, run);
    if (resolved) return realpath(resolved);
  }
  return undefined;
}

/** The pyenv program a pyenv shim execs (`exec "<root>/libexec/pyenv" exec …`), if `path` is one. */
async function pyenvOfShim(path: string): Promise<string | undefined> {
  if (basename(dirname(path)) !== "shims") return undefined;
  const head = (await readFile(path)).subarray(0, 4096).toString("utf8");
  if (!head.startsWith("#!")) return undefined;
  return /exec\s+"([^"]*\/pyenv)"\s+exec\b/.exec(head)?.[1] ?? (head.includes("pyenv") ? "pyenv" : undefined);
}

async function resolveShim(pyenv: string, name: string, env: Record<string, string | undefined>, run: ProcessRunner): Promise<string | undefined> {
  const clean: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) clean[key] = value;
  try {
    const result = await run([pyenv, "which", name], { cwd: "/", env: clean });
    const path = result.stdout.trim();
    return result.exitCode === 0 && isAbsolute(path) && (await executable(path)) ? path : undefined;
  } catch {
    return undefined;
  }
}

async function executable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
