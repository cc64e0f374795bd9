/** Where things live in the relay; the one place that spells the layout. */
export const relayKeys = {
  object: (sha256: string) => `objects/${sha256}`,
  tree: (treeHash: string) => `trees/${treeHash}.json`,
  env: (envHash: string) => `envs/${envHash}.json`,
  logPrefix: (taskId: string) => `logs/${taskId}/`,
  /** Offsets are zero-padded so that key order is byte order. */
  logChunk: (taskId: string, offset: number) => `logs/${taskId}/${String(offset).padStart(14, "0")}`,
  resultPrefix: (taskId: string) => `results/${taskId}/`,
  result: (taskId: string, name: string) => `results/${taskId}/${name}`,
  /**
   * Where a message that can never be read is moved, under its own key:
   * outside every inbox, so it is neither listed nor read again, and kept
   * for an admin to look at.
   */
  rejected: (key: string) => `rejected/${key}`,
};

/** The byte offset a log chunk key starts at. */
export function logChunkOffset(key: string): number {
  return Number(key.slice(key.lastIndexOf("/") + 1));
}
