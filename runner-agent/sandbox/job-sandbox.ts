import { readFile } from "node:fs/promises";
import { dirname, isAbsolute, join, relative } from "node:path";
import { AilabError } from "../../core/errors.js";
import { runPaths, type JobPaths } from "../job-paths.js";
import { bwrapArgs, isSystemPath } from "./bwrap-args.js";

export interface JobSandboxOptions {
  paths: JobPaths;
  /** The runs of the task's sweep (0 without one). */
  runs: number;
  /** The shared environment the job venv lies over (`<dataDir>/envs/<key>/venv`). */
  sharedVenv: string;
  /** The runner's uv, which the job venv's `bin/uv` links to. */
  uvPath: string;
  /** What a job must never see (the runner's data folder, the relay folder, the secret file): no read-only mount may hold one. */
  privatePaths: string[];
}

/**
 * bwrap's argument lists for a task's job (see bwrapArgs): one, or for a
 * sweep one per run. Each run reads and writes its own project copy and
 * the job's venv (shared by the runs of one task), and reads the shared
 * environment, the Python installation it was made from (uv's or the
 * system's, named by `home` in its pyvenv.cfg) and the runner's uv. A
 * sweep's runs after the first also read run 0's copy, where the job
 * venv's editable install of the project points.
 */
export async function jobSandboxArgs(options: JobSandboxOptions): Promise<string[][]> {
  const { paths, runs, sharedVenv, uvPath } = options;
  const readOnly = [sharedVenv, ...(await pythonInstallations([sharedVenv, paths.venvDir])), ...(isAbsolute(uvPath) && !isSystemPath(uvPath) ? [uvPath] : [])];
  // A Python or uv installed in a home folder that also holds the runner's data would show the job everything.
  for (const path of readOnly) {
    const exposed = options.privatePaths.find((p) => holds(path, p));
    if (exposed !== undefined) {
      throw new AilabError("SandboxWouldExpose", `the job's sandbox would have to show ${path}, which holds ${exposed}: install Python and uv outside the runner's folders`, { path, exposed });
    }
  }
  if (runs === 0) return [bwrapArgs({ writable: [paths.projectDir, paths.venvDir], readOnly })];
  const first = runPaths(paths, 0).projectDir;
  return Array.from({ length: runs }, (_, index) => {
    const projectDir = runPaths(paths, index).projectDir;
    return bwrapArgs({ writable: [projectDir, paths.venvDir], readOnly: index === 0 ? readOnly : [...readOnly, first] });
  });
}

/** True when `inner` is `outer` or inside it. */
function holds(outer: string, inner: string): boolean {
  const rel = relative(outer, inner);
  return rel === "" || (rel !== ".." && !rel.startsWith("../") && !isAbsolute(rel));
}

/** The Python installations the venvs were made from: the folder above `home` (its bin/) in each pyvenv.cfg. */
async function pythonInstallations(venvs: string[]): Promise<string[]> {
  const found = new Set<string>();
  for (const venv of venvs) {
    const home = /^home\s*=\s*(.+?)\s*$/m.exec(await readFile(join(venv, "pyvenv.cfg"), "utf8"))?.[1];
    // A Python in /usr/bin (or /bin) is under the system folders the sandbox shows anyway.
    if (home && isAbsolute(home) && dirname(home) !== "/" && !isSystemPath(dirname(home))) found.add(dirname(home));
  }
  return [...found];
}
