import { constants, createReadStream } from "node:fs";
import { access, copyFile, link, mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { dirname, join } from "node:path";
import type { Readable } from "node:stream";
import { errnoCode } from "../errors.js";
import { assertRelayKey, type BoundedValue, type RelayStore } from "./relay-store.js";

/** A temporary file of ours: the key's name, then `.tmp-` and 12 hex digits. */
const TEMP_NAME = /\.tmp-[0-9a-f]{12}$/;
/** How long a temporary file may sit unwritten before a sweep takes it for a leftover. */
const TEMP_IDLE_MS = 15 * 60_000;

/**
 * The relay as a folder: the embedded default, and what a file system shared
 * by the forge host and the cluster gives. Writes go to a temporary file
 * first, so a reader never sees half a value; `ifAbsent` uses link(2), which
 * fails atomically when the name exists.
 */
export class DirRelayStore implements RelayStore {
  constructor(readonly root: string) {}

  private path(key: string): string {
    assertRelayKey(key);
    return join(this.root, key);
  }

  private async tempPath(final: string): Promise<string> {
    // `<key>.tmp-<12 hex>`: TEMP_NAME recognises exactly these.
    await mkdir(dirname(final), { recursive: true });
    return `${final}.tmp-${randomBytes(6).toString("hex")}`;
  }

  async put(key: string, data: Uint8Array, options: { ifAbsent?: boolean } = {}): Promise<boolean> {
    return this.writeThenPublish(key, (temp) => writeFile(temp, data), options.ifAbsent ?? false);
  }

  async putFile(key: string, path: string, options: { ifAbsent?: boolean } = {}): Promise<boolean> {
    return this.writeThenPublish(key, (temp) => copyFile(path, temp), options.ifAbsent ?? false);
  }

  /** Writes a temporary file beside the key and publishes it; a failed write (a full disk) leaves nothing behind. */
  private async writeThenPublish(key: string, write: (temp: string) => Promise<void>, ifAbsent: boolean): Promise<boolean> {
    const final = this.path(key);
    const temp = await this.tempPath(final);
    try {
      await write(temp);
      if (!ifAbsent) {
        await rename(temp, final);
        return true;
      }
      try {
        await link(temp, final);
        return true;
      } catch (e) {
        if (errnoCode(e) === "EEXIST") return false;
        throw e;
      }
    } finally {
      // After a rename there is nothing at `temp`; after a link or a failure, the temporary copy goes.
      await rm(temp, { force: true });
    }
  }

  /**
   * Removes temporary files that nobody has written to for `idleMs` (left by
   * an agent killed mid-write). Both agents write into the relay at once, so
   * only idle ones go: a file still being copied has a fresh mtime.
   * Returns the keys' temporary paths removed, relative to the root.
   */
  async sweepTemporaryFiles(nowMs: number, idleMs = TEMP_IDLE_MS): Promise<string[]> {
    const removed: string[] = [];
    const visit = async (folder: string) => {
      for (const entry of await this.entries(folder)) {
        const rel = folder ? `${folder}/${entry.name}` : entry.name;
        if (entry.isDirectory()) await visit(rel);
        else if (entry.isFile() && TEMP_NAME.test(entry.name)) {
          const path = join(this.root, rel);
          const stats = await stat(path).catch(() => undefined);
          if (stats && nowMs - stats.mtimeMs >= idleMs) {
            await rm(path, { force: true });
            removed.push(rel);
          }
        }
      }
    };
    await visit("");
    return removed;
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      return await readFile(this.path(key));
    } catch (e) {
      if (errnoCode(e) === "ENOENT" || errnoCode(e) === "EISDIR") return undefined;
      throw e;
    }
  }

  async getAtMost(key: string, maxBytes: number): Promise<BoundedValue | undefined> {
    let file;
    try {
      // O_NONBLOCK: a named pipe put where a message should be must not hang the reader (fstat below turns it away).
      file = await open(this.path(key), constants.O_RDONLY | constants.O_NONBLOCK);
    } catch (e) {
      if (errnoCode(e) === "ENOENT" || errnoCode(e) === "ENOTDIR") return undefined;
      throw e;
    }
    try {
      // The size of the open file, not of the name: a file swapped in after
      // the check cannot be read past the bound either (the read below stops
      // one byte beyond it).
      const info = await file.stat();
      if (!info.isFile()) return undefined;
      if (info.size > maxBytes) return { tooLarge: info.size };
      const buffer = Buffer.alloc(maxBytes + 1);
      let filled = 0;
      for (;;) {
        const { bytesRead } = await file.read(buffer, filled, buffer.length - filled, filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
        if (filled > maxBytes) return { tooLarge: Math.max(info.size, filled) };
      }
      return { bytes: buffer.subarray(0, filled) };
    } finally {
      await file.close();
    }
  }

  async getStream(key: string): Promise<Readable | undefined> {
    const path = this.path(key);
    if (!(await this.isFile(path))) return undefined;
    return createReadStream(path);
  }

  async has(key: string): Promise<boolean> {
    return this.isFile(this.path(key));
  }

  private async isFile(path: string): Promise<boolean> {
    try {
      return (await stat(path)).isFile();
    } catch (e) {
      if (errnoCode(e) === "ENOENT" || errnoCode(e) === "ENOTDIR") return false;
      throw e;
    }
  }

  async list(prefix: string): Promise<string[]> {
    // The prefix names a folder (`messages/to-action/`) or a folder plus the
    // start of a name; list that folder recursively and filter.
    const slash = prefix.lastIndexOf("/");
    const folder = slash < 0 ? "" : prefix.slice(0, slash);
    if (folder) assertRelayKey(folder);
    const keys: string[] = [];
    await this.walk(folder, keys);
    return keys.filter((k) => k.startsWith(prefix)).sort();
  }

  private async walk(folder: string, out: string[]): Promise<void> {
    for (const entry of await this.entries(folder)) {
      const key = folder ? `${folder}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await this.walk(key, out);
      else if (entry.isFile() && !entry.name.includes(".tmp-")) out.push(key);
    }
  }

  /** A folder's entries; none when the folder is missing. */
  private async entries(folder: string) {
    try {
      return await readdir(join(this.root, folder), { withFileTypes: true });
    } catch (e) {
      if (errnoCode(e) === "ENOENT" || errnoCode(e) === "ENOTDIR") return [];
      throw e;
    }
  }

  async probe(): Promise<void> {
    let stats;
    try {
      stats = await stat(this.root);
    } catch (e) {
      throw new Error(`relay folder ${this.root} is missing (${errnoCode(e) ?? String(e)})`, { cause: e });
    }
    if (!stats.isDirectory()) throw new Error(`relay folder ${this.root} is not a folder`);
    await access(this.root, constants.W_OK).catch((e: unknown) => {
      throw new Error(`relay folder ${this.root} cannot be written (${errnoCode(e) ?? String(e)})`, { cause: e });
    });
  }

  async delete(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }

  async move(from: string, to: string): Promise<void> {
    const source = this.path(from);
    const target = this.path(to);
    await mkdir(dirname(target), { recursive: true });
    try {
      await rename(source, target);
    } catch (e) {
      if (errnoCode(e) === "ENOENT") return;
      throw e;
    }
  }
}
