import type { RelayStore } from "../../core/relay/relay-store.js";

/**
 * A relay store that records every key read whole (`get`, `getStream`), so a
 * test can tell that a value was never pulled through the process.
 */
export function watchedStore(store: RelayStore): { store: RelayStore; readWhole: Set<string> } {
  const readWhole = new Set<string>();
  const watched: RelayStore = {
    put: (key, data, options) => store.put(key, data, options),
    putFile: (key, path, options) => store.putFile(key, path, options),
    get: (key) => (readWhole.add(key), store.get(key)),
    getAtMost: (key, maxBytes) => store.getAtMost(key, maxBytes),
    getStream: (key) => (readWhole.add(key), store.getStream(key)),
    has: (key) => store.has(key),
    list: (prefix) => store.list(prefix),
    delete: (key) => store.delete(key),
    move: (from, to) => store.move(from, to),
  };
  return { store: watched, readWhole };
}
