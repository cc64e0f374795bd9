import { DirRelayStore } from "./dir-store.js";
import type { RelayStore } from "./relay-store.js";
import { createS3RelayStore, type S3RelayConfig } from "./s3-store.js";

/** Which relay an agent uses: a folder (the embedded default) or an S3 bucket. */
export type RelayConfig = { kind: "dir"; path: string } | ({ kind: "s3" } & S3RelayConfig);

/** Builds the relay store a configuration names; called once, at an agent's edge. */
export function openRelayStore(config: RelayConfig): RelayStore {
  return config.kind === "dir" ? new DirRelayStore(config.path) : createS3RelayStore(config);
}
