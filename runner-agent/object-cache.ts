import { createWriteStream } from "node:fs";
import { chmod, mkdir, rename, rm, stat } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { AilabError, errnoCode } from "../core/errors.js";
import { SHA256_PATTERN, sha256File } from "../core/hash.js";
import { silentLogger, type Logger } from "../core/logger.js";
import { relayKeys } from "../core/relay/layout.js";
import type { RelayStore } from "../core/relay/relay-store.js";

/**
 * The runner's copy of relay objects: `<dataDir>/objects/<sha256>`, each
 * checked against its name when it arrives and kept read-only, fetched once
 * and shared by every task and environment that needs it. A cached object
 * is hashed again (streaming) each time a task asks for it: read-only files
 * can be made writable again by their owner, and a cache that anything
 * outside the runner changed (a job before jobs were sandboxed, an admin's
 * mistake, a failing disk) must not hand its change to the next task. One
 * that no longer matches its name is logged and fetched again.
 */
export class ObjectCache {
  private readonly inFlight = new Map<string, Promise<string>>();

  constructor(
    readonly root: string,
    private readonly relay: RelayStore,
    private readonly log: Logger = silentLogger,
  ) {}

  pathOf(object: string): string {
    if (!SHA256_PATTERN.test(object)) throw new AilabError("BadObject", `${JSON.stringify(object)} is not an object name`);
    return join(this.root, object);
  }

  /** Makes sure every object is in the cache. */
  async fetchAll(objects: Iterable<string>): Promise<void> {
    for (const object of new Set(objects)) await this.fetch(object);
  }

  /** The cached file of `object`, checked against its name; downloaded first if it is missing or no longer matches. */
  fetch(object: string): Promise<string> {
    const running = this.inFlight.get(object);
    if (running) return running;
    const promise = this.download(object).finally(() => this.inFlight.delete(object));
    this.inFlight.set(object, promise);
    return promise;
  }

  private async download(object: string): Promise<string> {
    const path = this.pathOf(object);
    if (await exists(path)) {
      const actual = await sha256File(path);
      if (actual === object) return path;
      this.log.warn("a cached object no longer matches its hash: fetching it again from the relay", { object, actual });
      await rm(path, { force: true });
    }
    const stream = await this.relay.getStream(relayKeys.object(object));
    if (!stream) throw new AilabError("ObjectMissing", `object ${object} is not in the relay`, { object });
    await mkdir(this.root, { recursive: true });
    const temp = `${path}.tmp-${randomBytes(6).toString("hex")}`;
    try {
      await pipeline(stream, createWriteStream(temp));
      const actual = await sha256File(temp);
      if (actual !== object) throw new AilabError("ObjectCorrupt", `object ${object} arrived with the contents of ${actual}`, { object, actual });
      await chmod(temp, 0o444);
      await rename(temp, path);
    } finally {
      await rm(temp, { force: true });
    }
    return path;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch (e) {
    if (errnoCode(e) === "ENOENT") return false;
    throw e;
  }
}
