import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestContext } from "node:test";
import { setTreeWritable } from "../../runner-agent/tree-write-access.js";

/** A fresh folder under the system temp dir, removed when the test ends. */
export async function tempDir(t: TestContext, prefix = "ailab-test-"): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  // Retries: a process the test started may still be closing files in it.
  // A runner's shared environments are read-only (see setTreeWritable): write access back first.
  t.after(async () => {
    await setTreeWritable(dir, true);
    await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  });
  return dir;
}
