import { constants } from "node:fs";
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
    if (!(await file.stat()).isFile()) return offset;
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
  const tail = await readLogTail(logFile, TAIL_BYTES);
  if (!tail) return "";
  const lines = lastLines(tail.text, 50).split("\n").filter((l) => !SCRIPT_LINE.test(l));
  // eslint-disable-next-line no-control-regex
  const line = (lines[lines.length - 1] ?? "").replace(/[\u0000-\u001f\u007f]/g, "").trim();
  return line.length > MAX_LINE ? `${line.slice(0, MAX_LINE - 1)}…` : line;
}

/**
 * The last `maxBytes` of a log as text; `partial` when the log is longer
 * (the first line may be cut). Undefined when there is no log, or when what
 * is there is not a plain file (a job may replace its log with a link to a
 * file of the runner's: that is never followed, nor a FIFO waited on).
 */
export async function readLogTail(logFile: string, maxBytes: number): Promise<{ text: string; partial: boolean } | undefined> {
  const file = await openIfExists(logFile);
  if (!file) return undefined;
  try {
    const stat = await file.stat();
    if (!stat.isFile()) return undefined;
    const start = Math.max(0, stat.size - maxBytes);
    const buffer = Buffer.alloc(stat.size - start);
    const { bytesRead } = await file.read(buffer, 0, buffer.length, start);
    return { text: buffer.subarray(0, bytesRead).toString("utf8"), partial: start > 0 };
  } finally {
    await file.close();
  }
}

/** Opens a log for reading without following a link (ELOOP) and without blocking on a FIFO; undefined when absent or a link. */
async function openIfExists(path: string) {
  try {
    return await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    const code = errnoCode(e);
    if (code === "ENOENT" || code === "ELOOP") return undefined;
    throw e;
  }
}
