import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import { packageRoot } from "../../../core/package-root.js";
import { tempDir } from "../../helpers/temp-dir.js";

const BIN = join(packageRoot(), "dist", "action", "main.js");
const ENV = { PATH: process.env.PATH ?? "", AILAB_SECRET: "0123456789abcdef0123" };

/** Starts `ailab-action serve` on `dataDir` and resolves once it listens. */
async function serve(t: TestContext, dataDir: string, relayDir: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [BIN, "serve", "--data-dir", dataDir, "--relay-dir", relayDir, "--listen", "127.0.0.1:0"], { env: ENV, stdio: ["ignore", "pipe", "pipe"] });
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });
  let output = "";
  const listening = new Promise<void>((resolve, reject) => {
    const look = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      if (output.includes("ailab-action listening")) resolve();
    };
    child.stdout.on("data", look);
    child.stderr.on("data", look);
    child.on("exit", (code) => reject(new Error(`ailab-action exited with ${code} before listening:\n${output}`)));
  });
  await listening;
  return child;
}

test("a second ailab-action on the same data folder is refused with a message naming the first; a killed one's folder is taken over", async (t) => {
  const dataDir = await tempDir(t);
  const relayDir = await tempDir(t);
  const first = await serve(t, dataDir, relayDir);

  const second = spawnSync(process.execPath, [BIN, "serve", "--data-dir", dataDir, "--relay-dir", relayDir, "--listen", "127.0.0.1:0"], { encoding: "utf8", env: ENV, timeout: 30_000 });
  assert.equal(second.status, 1, second.stderr);
  assert.match(second.stderr, new RegExp(`another ailab-action \\(pid ${first.pid}\\) is using ${dataDir.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));

  // Another data folder beside it is fine: the lock is per folder, not per machine.
  const elsewhere = await serve(t, await tempDir(t), relayDir);
  elsewhere.kill("SIGTERM");

  // Killed without a chance to clean up: its pid file names a process that is gone.
  first.kill("SIGKILL");
  await once(first, "exit");
  assert.ok(existsSync(join(dataDir, "action.pid")), "the killed action left its pid file");
  const third = await serve(t, dataDir, relayDir);
  third.kill("SIGTERM");
  await once(third, "exit");
  assert.equal(existsSync(join(dataDir, "action.pid")), false, "a stopped action releases the folder");
});
