import { open } from "node:fs/promises";
import { errnoCode } from "../core/errors.js";
import { relayKeys } from "../core/relay/layout.js";
import type { RelayStore } from "../core/relay/relay-store.js";
import { lastLines } from "./uv-errors.js";

const CHUNK_BYTES = 1024 * 1024;
const TAIL_BYTES = 8192;
const MAX_LINE = 120;
/** Lines the batch script writes about itself (`==> python train.py`), not the job's progress. */
const SCRIPT_LINE = /^==> /;

/**
 * Uploads the bytes of a job's log after `offset` as chunks named by their
 * byte offset (`logs/<task id>/<offset>`), and returns the new offset. A chunk
 * is written only if absent: after a crash between upload and record, the
 * chunk already there is kept and its length moves the offset on, so readers
 * never see two chunks overlap.
 */
export async function shipLog(relay: RelayStore, taskId: string, logFile: string, offset: number, maxChunks = 16): Promise<number> {
  const file = await openIfExists(logFile);
  if (!file) return offset;
  try {
    for (let i = 0; i < maxChunks; i++) {
      const buffer = Buffer.alloc(CHUNK_BYTES);
      const { bytesRead } = await file.read(buffer, 0, CHUNK_BYTES, offset);
      if (bytesRead === 0) break;
      const key = relayKeys.logChunk(taskId, offset);
      if (!(await relay.put(key, buffer.subarray(0, bytesRead), { ifAbsent: true }))) {
        const existing = await relay.get(key);
        offset += existing?.byteLength ?? bytesRead;
      } else {
        offset += bytesRead;
      }
    }
  } finally {
    await file.close();
  }
  return offset;
}

/**
 * The job's last non-empty line in its log (a progress bar's `\r` ends a
 * line too), without control characters and shortened; "" if none. The
 * batch script's own `==> command` lines are passed over.
 */
export async function lastLogLine(logFile: string): Promise<string> {
  const file = await openIfExists(logFile);
  if (!file) return "";
  try {
    const { size } = await file.stat();
    const start = Math.max(0, size - TAIL_BYTES);
    const buffer = Buffer.alloc(size - start);
    await file.read(buffer, 0, buffer.length, start);
    const lines = lastLines(buffer.toString("utf8"), 50).split("\n").filter((l) => !SCRIPT_LINE.test(l));
    // eslint-disable-next-line no-control-regex
    const line = (lines[lines.length - 1] ?? "").replace(/[\u0000-\u001f\u007f]/g, "").trim();
    return line.length > MAX_LINE ? `${line.slice(0, MAX_LINE - 1)}…` : line;
  } finally {
    await file.close();
  }
}

async function openIfExists(path: string) {
  try {
    return await open(path, "r");
  } catch (e) {
    if (errnoCode(e) === "ENOENT") return undefined;
    throw e;
  }
}
