import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, readlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { findUv } from "../../../runner-agent/find-uv.js";
import { makeJobVenv, sitePackages } from "../../../runner-agent/job-venv.js";
import { runProcess } from "../../../runner-agent/process-runner.js";
import { setTreeWritable } from "../../../runner-agent/tree-write-access.js";
import { tempDir } from "../../helpers/temp-dir.js";

test("a job venv sees the shared environment's packages and programs, runs them with its own python, and leaves the shared one as it was", async (t) => {
  const root = await tempDir(t);
  const uv = (await findUv("uv", process.env, runProcess)) ?? "uv";
  const env = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? root };
  const shared = join(root, "shared");
  execFileSync(uv, ["venv", "--quiet", shared], { cwd: root, env });
  // A package and a console script as uv sync would leave them in the shared environment.
  writeFileSync(join(await sitePackages(shared), "shared_dep.py"), "NAME = 'shared dep'\n");
  writeFileSync(join(shared, "bin", "dep-tool"), `#!${join(shared, "bin", "python")}\nimport sys, shared_dep\nprint(shared_dep.NAME, "in", sys.prefix)\n`, { mode: 0o755 });
  await setTreeWritable(shared, false);

  const venv = join(root, "job", "venv");
  await makeJobVenv({ uvPath: uv, sharedVenv: shared, venvDir: venv, projectRoot: undefined, env, run: runProcess });
  const out = execFileSync(join(venv, "bin", "dep-tool"), { env }).toString();
  assert.equal(out, `shared dep in ${venv}\n`);
  assert.equal(readlinkSync(join(venv, "bin", "uv")), uv, "uv in a job is the runner's uv");

  // What the job installs goes into its venv.
  execFileSync(uv, ["pip", "install", "--quiet", "--python", join(venv, "bin", "python"), "--no-deps", "--editable", localPackage(root)], { env });
  execFileSync(join(venv, "bin", "python"), ["-c", "import local_pkg"], { env });
  assert.throws(() => execFileSync(join(shared, "bin", "python"), ["-c", "import local_pkg"], { env, stdio: "pipe" }));
});

/** A small package of the job's own (uv_build backend: from the uv cache, or PyPI on a fresh machine). */
function localPackage(root: string): string {
  const dir = join(root, "local");
  mkdirSync(join(dir, "src", "local_pkg"), { recursive: true });
  writeFileSync(join(dir, "pyproject.toml"), '[project]\nname = "local-pkg"\nversion = "0.1.0"\n\n[build-system]\nrequires = ["uv_build>=0.8,<0.14"]\nbuild-backend = "uv_build"\n');
  writeFileSync(join(dir, "src", "local_pkg", "__init__.py"), "");
  return dir;
}
