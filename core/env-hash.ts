import { canonicalJson } from "./canonical-json.js";
import { sha256 } from "./hash.js";
import type { EnvManifest, TreeManifest } from "./protocol/messages.js";

/**
 * The environment's identity: a hash over the objects of pyproject.toml,
 * uv.lock, .python-version and the extra wheels (names included). Source
 * changes leave it alone, so a push that touches only code reuses the built
 * environment. The runner adds its own uv version when it keys its cache.
 */
export function envHash(manifest: EnvManifest): string {
  return sha256(canonicalJson(manifest));
}

/** A snapshot's identity: the hash of its manifest, entries sorted by path. */
export function treeHash(manifest: TreeManifest): string {
  const entries = [...manifest.entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return sha256(canonicalJson({ entries }));
}
