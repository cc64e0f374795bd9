import { stat, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { sha256File } from "../core/hash.js";
import type { Artifact, RunCard } from "../core/protocol/messages.js";
import { relayKeys } from "../core/relay/layout.js";
import type { RelayStore } from "../core/relay/relay-store.js";

/**
 * Writes run.json beside the archives in `outDir` and uploads them all to
 * `results/<task id>/<name>`; the artifacts for the completion message.
 * Uploading again after a crash writes the same keys.
 */
export async function uploadArtifacts(relay: RelayStore, taskId: string, outDir: string, archives: readonly string[], runCard: RunCard): Promise<Artifact[]> {
  const runJson = join(outDir, "run.json");
  await writeFile(runJson, JSON.stringify(runCard, null, 2) + "\n");
  const artifacts: Artifact[] = [];
  for (const file of [...archives, runJson]) {
    const name = basename(file);
    const key = relayKeys.result(taskId, name);
    await relay.putFile(key, file);
    artifacts.push({ name, key, size: (await stat(file)).size, sha256: await sha256File(file) });
  }
  return artifacts;
}
