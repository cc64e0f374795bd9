import { dirname } from "node:path";
import { relayKeys } from "../core/relay/layout.js";
import type { RelayStore } from "../core/relay/relay-store.js";
import { formatBytes } from "../core/task/task-limits.js";
import { openInside } from "./open-inside.js";
import { lastLines } from "./uv-errors.js";

const CHUNK_BYTES = 1024 * 1024;
const TAIL_BYTES = 8192;
const MAX_LINE = 120;
/** Lines the batch script writes about itself (`==> python train.py`), not the job's progress. */
const SCRIPT_LINE = /^==> /;

/** How a log is shipped: from which folder it is opened (see openInside), how much of it at most, in how many chunks per call. */
export interface ShipOptions {
  /** The folder the log is opened beneath, name by name (default: the log's own folder). */
  root?: string;
  /** Bytes of the log shipped; past them one `[ailab: log cut at …]` chunk ends it (default: no limit). */
  maxBytes?: number;
  maxChunks?: number;
}

/** The line that ends a log cut at `limit` bytes; on a line of its own even when the cut falls inside a line. */
export function logCutMarker(limit: number): Buffer {
  return Buffer.from(`\n[ailab: log cut at ${formatBytes(limit)}]\n`);
}

/**
 * Uploads the bytes of a job's log after `offset` as chunks named by their
 * byte offset (`logs/<task id>/<offset>`), and returns the new offset. A chunk
 * is written only if absent: after a crash between upload and record, the
 * chunk already there is kept and its length moves the offset on, so readers
 * never see two chunks overlap. The log is opened without following links
 * (a log the job swapped for a link, a hard link or a FIFO is not read), and
 * shipped up to `maxBytes`: a job that writes more gets its log cut there,
 * with the marker line as its last chunk; later calls ship nothing more.
 */
export async function shipLog(relay: RelayStore, taskId: string, logFile: string, offset: number, options: ShipOptions = {}): Promise<number> {
  const maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY;
  if (offset > maxBytes) return offset; // cut already, marker and all
  const file = await openLog(logFile, options.root);
  if (!file) return offset;
  try {
    for (let i = 0; i < (options.maxChunks ?? 16); i++) {
      const room = Math.min(CHUNK_BYTES, maxBytes - offset);
      if (room <= 0) {
        // At the limit: the marker goes up once the log has a byte past it.
        if (file.stat.size > maxBytes) offset = await putChunk(relay, taskId, offset, logCutMarker(maxBytes));
        break;
      }
      const buffer = Buffer.alloc(room);
      const { bytesRead } = await file.handle.read(buffer, 0, room, offset);
      if (bytesRead === 0) break;
      offset = await putChunk(relay, taskId, offset, buffer.subarray(0, bytesRead));
    }
  } finally {
    await file.handle.close();
  }
  return offset;
}

/**
 * Adds lines the runner has to say after the job's own output (what the
 * collection left out, and why) as one more chunk at `offset`, so the
 * student sees them in `ailab logs`; the offset after them. Written only if
 * absent, like every chunk: collecting again after a crash adds them once.
 */
export async function shipNotes(relay: RelayStore, taskId: string, offset: number, notes: readonly string[]): Promise<number> {
  if (notes.length === 0) return offset;
  return putChunk(relay, taskId, offset, Buffer.from(notes.map((n) => `${n}\n`).join("")));
}

async function putChunk(relay: RelayStore, taskId: string, offset: number, bytes: Buffer): Promise<number> {
  const key = relayKeys.logChunk(taskId, offset);
  if (await relay.put(key, bytes, { ifAbsent: true })) return offset + bytes.byteLength;
  const existing = await relay.get(key);
  return offset + (existing?.byteLength ?? bytes.byteLength);
}

/**
 * The job's last non-empty line in its log (a progress bar's `\r` ends a
 * line too), without control characters and shortened; "" if none. The
 * batch script's own `==> command` lines are passed over.
 */
export async function lastLogLine(logFile: string, root?: string): Promise<string> {
  const tail = await readLogTail(logFile, TAIL_BYTES, root);
  if (!tail) return "";
  const lines = lastLines(tail.text, 50).split("\n").filter((l) => !SCRIPT_LINE.test(l));
  // eslint-disable-next-line no-control-regex
  const line = (lines[lines.length - 1] ?? "").replace(/[\u0000-\u001f\u007f]/g, "").trim();
  return line.length > MAX_LINE ? `${line.slice(0, MAX_LINE - 1)}…` : line;
}

/**
 * The last `maxBytes` of a log as text; `partial` when the log is longer
 * (the first line may be cut). Undefined when there is no log, or when what
 * is there is not a plain file of its own (a job may replace its log with a
 * link to a file of the runner's, or a hard link to one: that is never
 * read, nor a FIFO waited on). `root`: see ShipOptions.
 */
export async function readLogTail(logFile: string, maxBytes: number, root?: string): Promise<{ text: string; partial: boolean } | undefined> {
  const file = await openLog(logFile, root);
  if (!file) return undefined;
  try {
    const { size } = file.stat;
    const start = Math.max(0, size - maxBytes);
    const buffer = Buffer.alloc(size - start);
    const { bytesRead } = await file.handle.read(buffer, 0, buffer.length, start);
    return { text: buffer.subarray(0, bytesRead).toString("utf8"), partial: start > 0 };
  } finally {
    await file.handle.close();
  }
}

/** The log opened beneath `root` with every check of openInside; undefined when it is absent or refused. */
async function openLog(logFile: string, root = dirname(logFile)) {
  const opened = await openInside(root, logFile, "file");
  return opened.ok ? opened.entry : undefined;
}
