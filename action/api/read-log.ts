import { logChunkOffset, relayKeys } from "../../core/relay/layout.js";
import type { RelayStore } from "../../core/relay/relay-store.js";

/** At most this much log text per response; the client asks again from the new offset. */
const MAX_LOG_BYTES = 4 * 1024 * 1024;

/**
 * A task's log from byte `offset`, assembled from the relay's chunks
 * (`logs/<task id>/<offset>`, one LIST): the bytes available without a gap,
 * and the offset to ask for next.
 */
export async function readLog(store: RelayStore, taskId: string, offset: number): Promise<{ bytes: Buffer; next: number }> {
  const chunks = (await store.list(relayKeys.logPrefix(taskId)))
    .map((key) => ({ key, start: logChunkOffset(key) }))
    .filter((c) => Number.isInteger(c.start))
    .sort((a, b) => a.start - b.start);
  const first = chunks.findLastIndex((c) => c.start <= offset);
  const parts: Buffer[] = [];
  let position = offset;
  for (const chunk of chunks.slice(Math.max(first, 0))) {
    if (chunk.start > position) break; // a gap: a chunk not written yet
    const data = await store.get(chunk.key);
    if (!data) break;
    const end = chunk.start + data.byteLength;
    if (end <= position) continue;
    parts.push(Buffer.from(data).subarray(position - chunk.start));
    position = end;
    if (position - offset >= MAX_LOG_BYTES) break;
  }
  return { bytes: Buffer.concat(parts), next: position };
}
