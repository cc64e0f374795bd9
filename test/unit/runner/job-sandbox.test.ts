import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { hasCode } from "../../../core/errors.js";
import { jobPaths, runPaths } from "../../../runner-agent/job-paths.js";
import { jobSandboxArgs } from "../../../runner-agent/sandbox/job-sandbox.js";
import { tempDir } from "../../helpers/temp-dir.js";

/** [flag, destination] of every --bind and --ro-bind in `args`. */
function binds(args: string[]): [string, string][] {
  return args.flatMap((a, i) => (a === "--bind" || a === "--ro-bind" ? [[a, args[i + 2]!] as [string, string]] : []));
}

/** A runner layout: data folder, one shared env and the job's venv, each with a pyvenv.cfg naming `home`. */
async function layout(t: Parameters<typeof tempDir>[0], home: (root: string) => string) {
  const root = await tempDir(t, "ailab-sandbox-");
  const dataDir = join(root, "runner");
  const paths = jobPaths(dataDir, "mfz3k2a1b0-7f2k");
  const sharedVenv = join(dataDir, "envs", "k", "venv");
  for (const venv of [sharedVenv, paths.venvDir]) {
    mkdirSync(venv, { recursive: true });
    writeFileSync(join(venv, "pyvenv.cfg"), `home = ${home(root)}\nimplementation = CPython\n`);
  }
  return { root, dataDir, paths, sharedVenv };
}

test("a job reads its shared env, the Python it was made from and uv, and writes only its project and venv", async (t) => {
  const { root, dataDir, paths, sharedVenv } = await layout(t, (r) => join(r, "uv-python", "cpython-3.12", "bin"));
  const [args, ...more] = await jobSandboxArgs({ paths, runs: 0, sharedVenv, uvPath: join(root, "bin", "uv"), privatePaths: [dataDir] });
  assert.equal(more.length, 0);
  assert.deepEqual(binds(args!).sort(), [
    ["--bind", paths.projectDir],
    ["--bind", paths.venvDir],
    ["--ro-bind", join(root, "bin", "uv")],
    ["--ro-bind", sharedVenv],
    ["--ro-bind", join(root, "uv-python", "cpython-3.12")],
  ].sort());
});

test("each run of a sweep writes its own copy and reads run 0's, where the editable install points", async (t) => {
  const { dataDir, paths, sharedVenv } = await layout(t, () => "/usr/bin");
  const lists = await jobSandboxArgs({ paths, runs: 3, sharedVenv, uvPath: "/usr/bin/uv", privatePaths: [dataDir] });
  assert.equal(lists.length, 3);
  const first = runPaths(paths, 0).projectDir;
  for (const [index, args] of lists.entries()) {
    const mounted = binds(args);
    assert.ok(mounted.some(([flag, dest]) => flag === "--bind" && dest === runPaths(paths, index).projectDir), `run ${index} writes its copy`);
    assert.equal(mounted.some(([flag, dest]) => flag === "--bind" && dest !== runPaths(paths, index).projectDir && dest !== paths.venvDir), false);
    if (index > 0) assert.ok(mounted.some(([flag, dest]) => flag === "--ro-bind" && dest === first));
  }
  assert.ok(!lists.some((args) => binds(args).some(([, dest]) => dest === "/usr")), "a system Python adds no mount: /usr is there already");
});

test("a Python installed in a folder that holds the runner's data is refused rather than shown to the job", async (t) => {
  const { root, dataDir, paths, sharedVenv } = await layout(t, (r) => join(r, "bin"));
  await assert.rejects(jobSandboxArgs({ paths, runs: 0, sharedVenv, uvPath: "/usr/bin/uv", privatePaths: [dataDir] }), (e) => hasCode(e, "SandboxWouldExpose") && e.data.path === root);
});
