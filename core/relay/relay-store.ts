import type { Readable } from "node:stream";
import type { Logger } from "../logger.js";

/**
 * The relay: a key-value store the action and the runner share. Keys are
 * slash-separated relative paths (`objects/<sha256>`, `messages/to-runner/…`).
 * Two implementations: a directory (`DirRelayStore`) and S3.
 */
export interface RelayStore {
  /**
   * Writes `data` under `key`. With `ifAbsent`, an existing key is left as it
   * is and `false` comes back (S3: `If-None-Match: *`); otherwise `true`.
   */
  put(key: string, data: Uint8Array, options?: { ifAbsent?: boolean }): Promise<boolean>;
  /** Like `put`, streaming from a file on disk. */
  putFile(key: string, path: string, options?: { ifAbsent?: boolean }): Promise<boolean>;
  /** The value, or `undefined` when the key does not exist. */
  get(key: string): Promise<Uint8Array | undefined>;
  /**
   * The value if it is at most `maxBytes` long; `{ tooLarge: size }` when it
   * is longer, found out from its size (stat, or the response's
   * Content-Length) without reading it; `undefined` when it does not exist.
   * For values anyone with write access to the store could have dropped
   * there, such as inbox messages.
   */
  getAtMost(key: string, maxBytes: number): Promise<BoundedValue | undefined>;
  /** A stream of the value, or `undefined`; for large artifacts. */
  getStream(key: string): Promise<Readable | undefined>;
  has(key: string): Promise<boolean>;
  /** Every key under `prefix` (which should end in `/`), sorted. One LIST. */
  list(prefix: string): Promise<string[]>;
  /** Removes the key; removing a missing key is not an error. */
  delete(key: string): Promise<void>;
  /**
   * Removes what interrupted writes left behind and nobody is still writing
   * (the directory store's temporary files); returns what went. Stores that
   * leave nothing behind (S3 writes a key whole or not at all) have none.
   */
  sweepTemporaryFiles?(nowMs: number): Promise<string[]>;
  /**
   * Throws, naming the problem, unless the store can be used now: the folder
   * exists and can be written, the bucket exists and answers. For readiness
   * checks; a store without it is probed with a LIST.
   */
  probe?(): Promise<void>;
  /**
   * Moves a value to another key without reading it through this process
   * (dir: rename; S3: a server-side copy, then delete). A missing `from`
   * is not an error.
   */
  move(from: string, to: string): Promise<void>;
}

/** Sweeps the store's leftovers at an agent's start, logging what went; a failure is a warning, never a failed start. */
export async function sweepRelayLeftovers(store: RelayStore, nowMs: number, log: Logger): Promise<void> {
  try {
    const removed = (await store.sweepTemporaryFiles?.(nowMs)) ?? [];
    if (removed.length > 0) log.info("removed temporary files that interrupted writes left in the relay", { count: removed.length, examples: removed.slice(0, 5) });
  } catch (e) {
    log.warn("sweeping the relay's temporary files failed", { error: e });
  }
}

/** What `getAtMost` found: the bytes, or only the size of a value too large to read. */
export type BoundedValue = { bytes: Uint8Array } | { tooLarge: number };

const KEY_PATTERN = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*\/?$/;

/** Throws unless `key` is a clean relative key: no `..`, no empty or odd segments. */
export function assertRelayKey(key: string): void {
  if (!KEY_PATTERN.test(key) || key.split("/").some((s) => s === "." || s === "..")) {
    throw new Error(`invalid relay key ${JSON.stringify(key)}`);
  }
}
