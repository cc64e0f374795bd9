import { envHash, treeHash } from "../env-hash.js";
import { sha256 } from "../hash.js";
import type { EnvManifest, TreeEntry, TreeManifest } from "../protocol/messages.js";
import { canonicalJson } from "../canonical-json.js";
import { relayKeys } from "../relay/layout.js";
import type { RelayStore } from "../relay/relay-store.js";

/** One file of a project snapshot, read lazily so unchanged files cost nothing. */
export interface SnapshotFile {
  path: string;
  mode: "file" | "exec";
  read(): Promise<Uint8Array>;
}

export interface PublishedSnapshot {
  treeHash: string;
  manifest: TreeManifest;
  /** Objects this call wrote; the rest were in the relay already. */
  uploaded: number;
}

/**
 * Uploads a project snapshot to the relay, content-addressed: each file's
 * bytes go to `objects/<sha256>` only if that object is not there yet, then
 * the manifest goes to `trees/<tree hash>.json`. A second push that changed
 * one file uploads one object (plus the new manifest).
 */
export async function publishSnapshot(store: RelayStore, files: readonly SnapshotFile[]): Promise<PublishedSnapshot> {
  const entries: TreeEntry[] = [];
  let uploaded = 0;
  for (const file of files) {
    const bytes = await file.read();
    const object = sha256(bytes);
    if (await putObject(store, object, bytes)) uploaded++;
    entries.push({ path: file.path, object, mode: file.mode, size: bytes.byteLength });
  }
  const manifest: TreeManifest = { entries: entries.sort((a, b) => (a.path < b.path ? -1 : 1)) };
  const hash = treeHash(manifest);
  await store.put(relayKeys.tree(hash), Buffer.from(canonicalJson(manifest)), { ifAbsent: true });
  return { treeHash: hash, manifest, uploaded };
}

/** Writes `envs/<env hash>.json` and returns the hash. The objects it names must be uploaded already. */
export async function publishEnv(store: RelayStore, manifest: EnvManifest): Promise<string> {
  const hash = envHash(manifest);
  await store.put(relayKeys.env(hash), Buffer.from(canonicalJson(manifest)), { ifAbsent: true });
  return hash;
}

/** Uploads one object unless present (checked first: a HEAD is cheaper than a PUT of the bytes). */
async function putObject(store: RelayStore, object: string, bytes: Uint8Array): Promise<boolean> {
  const key = relayKeys.object(object);
  if (await store.has(key)) return false;
  return store.put(key, bytes, { ifAbsent: true });
}
