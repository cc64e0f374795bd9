import { test } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, mkdirSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { findUv } from "../../../runner-agent/find-uv.js";
import { runProcess } from "../../../runner-agent/process-runner.js";
import { tempDir } from "../../helpers/temp-dir.js";

function executable(path: string, text: string): string {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, text);
  chmodSync(path, 0o755);
  return path;
}

test("uv on PATH is found once, by its real absolute path", async (t) => {
  const root = await tempDir(t);
  const real = executable(join(root, "opt", "uv-0.13", "uv"), "#!/bin/sh\necho uv 0.13\n");
  mkdirSync(join(root, "bin"));
  symlinkSync(real, join(root, "bin", "uv"));
  assert.equal(await findUv("uv", { PATH: `${join(root, "empty")}:${join(root, "bin")}` }, runProcess), realpathSync(real));
  assert.equal(await findUv(join(root, "bin", "uv"), { PATH: "" }, runProcess), realpathSync(real));
  assert.equal(await findUv("uv", { PATH: join(root, "empty") }, runProcess), undefined);
});

test("a pyenv shim is resolved with `pyenv which` from /, so no project's .python-version decides which uv runs", async (t) => {
  const root = await tempDir(t);
  const real = executable(join(root, "versions", "3.11.7", "bin", "uv"), "#!/bin/sh\necho uv 0.13\n");
  // A pyenv that, like the real one, answers from the folder it runs in: only from / does it know uv.
  const pyenv = executable(
    join(root, "libexec", "pyenv"),
    `#!/bin/sh\nif [ "$1" = which ] && [ "$(pwd)" = / ]; then echo ${real}; exit 0; fi\necho "pyenv: $2: command not found" >&2\nexit 127\n`,
  );
  executable(join(root, "shims", "uv"), `#!/usr/bin/env bash\nset -e\nexport PYENV_ROOT="${root}"\nexec "${pyenv}" exec "uv" "$@"\n`);
  assert.equal(await findUv("uv", { PATH: `${join(root, "shims")}:/usr/bin:/bin` }, runProcess), realpathSync(real));

  // A shim pyenv cannot resolve is passed over for the next uv on PATH.
  const other = executable(join(root, "other", "uv"), "#!/bin/sh\necho uv\n");
  executable(join(root, "libexec", "pyenv"), "#!/bin/sh\nexit 1\n");
  assert.equal(await findUv("uv", { PATH: `${join(root, "shims")}:${join(root, "other")}:/usr/bin:/bin` }, runProcess), realpathSync(other));
});
