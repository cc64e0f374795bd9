import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readLog } from "../../action/api/read-log.js";
import type { Completion } from "../../core/protocol/messages.js";
import type { RelayStore } from "../../core/relay/relay-store.js";
import { artifactBytes, readArchive } from "./runner-artifacts.js";

/** A file of the runner's machine no job may get back: on the same file system as the runner's data folder, so a hard link to it can be made. */
export function plantSecret(root: string, name = "relay-secret"): { file: string; text: string } {
  const dir = join(root, "secrets");
  mkdirSync(dir, { recursive: true });
  const text = `SECRET-${name}-${Math.random().toString(36).slice(2)}`;
  const file = join(dir, name);
  writeFileSync(file, `${text}\n`, { mode: 0o600 });
  return { file, text };
}

/** What a student sees of a finished task: the log as the API serves it, every member of its archives, and its status. */
export interface SeenTask {
  log: string;
  logs: Map<string, string>;
  results: Map<string, string>;
  description: string;
}

export async function seenTask(store: RelayStore, done: Completion, scratch: string): Promise<SeenTask> {
  const has = (name: string) => done.artifacts.some((a) => a.name === name);
  let log = "";
  for (let offset = 0; ; ) {
    const { bytes, next } = await readLog(store, done.taskId, offset);
    if (next === offset) break;
    log += bytes.toString("utf8");
    offset = next;
  }
  return {
    log,
    logs: has("logs.tar.gz") ? await readArchive(store, done, "logs.tar.gz", scratch) : new Map<string, string>(),
    results: has("results.tar.gz") ? await readArchive(store, done, "results.tar.gz", scratch) : new Map<string, string>(),
    description: done.description,
  };
}

/** Fails naming where `text` turned up in what the student sees. */
export function assertNowhere(seen: SeenTask, text: string): void {
  assert.ok(!seen.log.includes(text), `the secret is in the log:\n${seen.log}`);
  for (const [name, body] of [...seen.logs, ...seen.results]) assert.ok(!body.includes(text), `the secret is in ${name}`);
  assert.ok(!seen.description.includes(text), "the secret is in the status");
}

/** Every artifact's bytes, to compare before and after another user's task ran. */
export async function artifactSnapshot(store: RelayStore, done: Completion): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const artifact of done.artifacts) out.set(artifact.name, (await artifactBytes(store, done, artifact.name)).toString("base64"));
  return out;
}

/** Fails unless `log` holds the runner's note `[ailab: <line>]`; `N names` in `line` stands for any count of a hard link's names. */
export function assertNoted(log: string, line: string): void {
  const pattern = `[ailab: ${line}]`.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace("N names", "\\d+ names");
  assert.match(log, new RegExp(pattern), `no note "${line}" in:\n${log}`);
}
