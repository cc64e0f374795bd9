import type { z } from "zod";
import { sortableId } from "../ids.js";
import type { Logger } from "../logger.js";
import { relayKeys } from "../relay/layout.js";
import type { RelayStore } from "../relay/relay-store.js";
import { MessageError } from "../errors.js";
import { openEnvelope, signEnvelope } from "./envelope.js";

/**
 * The largest message an inbox reader reads. Real messages are a few KiB
 * (a submit with its task is the largest); anything bigger was not written
 * by an agent and is set aside unread, so that one file dropped into an
 * inbox can neither exhaust memory nor block the messages behind it.
 */
export const MAX_MESSAGE_BYTES = 1024 * 1024;

/** Inbox prefixes in the relay. */
export const inboxes = {
  runner: (runner: string) => `messages/to-runner/${runner}/`,
  action: () => "messages/to-action/",
};

/** A message ready to send: where it goes and its signed bytes. */
export interface OutgoingMessage {
  key: string;
  bytes: Uint8Array;
}

/**
 * Signs `body` and names it in `inbox`. The caller stores the result in its
 * outbox first and sends it later (`deliver`), so a crash between deciding to
 * send and sending loses nothing; the name never changes, so re-sending is
 * harmless.
 */
export function sealMessage(inbox: string, body: unknown, secret: string, now: number = Date.now()): OutgoingMessage {
  const id = sortableId(now);
  const envelope = signEnvelope(id, now, body, secret);
  return { key: `${inbox}${id}.json`, bytes: Buffer.from(JSON.stringify(envelope)) };
}

/** Writes a sealed message; an existing one of the same name counts as sent. */
export async function deliver(store: RelayStore, message: OutgoingMessage): Promise<void> {
  await store.put(message.key, message.bytes, { ifAbsent: true });
}

/**
 * Sends outbox rows in their order until one fails: a failure is a warning
 * and the rest wait for the next cycle, so messages never overtake each
 * other. `markSent` records each success. Returns how many were sent.
 */
export async function deliverInOrder(
  store: RelayStore,
  rows: readonly OutgoingMessage[],
  markSent: (key: string) => void,
  log: Logger,
): Promise<number> {
  let sent = 0;
  for (const row of rows) {
    try {
      await deliver(store, row);
    } catch (e) {
      log.warn("relay write failed; will retry", { key: row.key, error: e });
      break;
    }
    markSent(row.key);
    sent++;
  }
  return sent;
}

/** How often applying one message may fail, cycle after cycle, before it is moved aside. */
export const MAX_APPLY_ATTEMPTS = 5;

/** What an inbox reader keeps from one cycle to the next (one per inbox, held by its loop). */
export class InboxMemory {
  /** Keys not read again: messages of a newer protocol, and rejects that could not be moved. */
  readonly setAside = new Set<string>();
  /** How many cycles in a row applying a key has failed. */
  readonly failures = new Map<string, number>();
}

export interface Received<T> {
  key: string;
  id: string;
  body: T;
}

/**
 * Reads an inbox with one LIST, oldest first. Each message is verified and
 * handed to `apply`; only after `apply` returns (having recorded the message
 * in the receiver's database) is it deleted.
 * A message that can never become readable (over MAX_MESSAGE_BYTES, which is
 * found from its size without reading it; not JSON; a bad signature; not
 * the protocol) is moved out of the inbox to `rejected/<key>`, with a
 * warning naming the key, its size and why, and the next one is read.
 * Should even the move fail, the key joins `setAside` and is skipped.
 * A message of a newer protocol version that this agent cannot read is not
 * garbage: it stays in the inbox for the upgraded agent, is logged once, and
 * is not read again while its key is in `memory.setAside` (the caller keeps
 * `memory` from one cycle to the next). Messages behind it go on.
 * A message whose `apply` throws stays and ends the cycle (the error goes to
 * the caller, the next cycle tries again), so that messages keep their
 * order through a passing failure; after MAX_APPLY_ATTEMPTS cycles in a row
 * it is moved aside like an unreadable one, so that it cannot hold up the
 * inbox forever.
 * Only the inbox's own files count: keys in folders below it are no messages.
 * Returns how many messages were applied.
 */
export async function drainInbox<T>(
  store: RelayStore,
  inbox: string,
  secret: string,
  schema: z.ZodType<T>,
  apply: (message: Received<T>) => Promise<void> | void,
  log: Logger,
  memory: InboxMemory = new InboxMemory(),
): Promise<number> {
  const { setAside, failures } = memory;
  const keys = (await store.list(inbox)).filter((k) => k.endsWith(".json") && !k.slice(inbox.length).includes("/"));
  forgetGone(setAside, keys);
  forgetGone(failures, keys);
  let applied = 0;
  for (const key of keys) {
    if (setAside.has(key)) continue;
    const raw = await store.getAtMost(key, MAX_MESSAGE_BYTES);
    if (!raw) continue;
    if ("tooLarge" in raw) {
      await reject(store, key, raw.tooLarge, { code: "TooLarge", reason: `larger than the ${MAX_MESSAGE_BYTES} bytes a message may have` }, log, setAside);
      continue;
    }
    let opened;
    try {
      opened = openEnvelope(raw.bytes, secret, schema);
    } catch (e) {
      if (!(e instanceof MessageError)) throw e;
      if (e.code === "NewerProtocol") {
        setAside.add(key);
        log.warn("relay message from a newer version left in the inbox; upgrade this agent to read it", { key, ...e.data, reason: e.message });
        continue;
      }
      await reject(store, key, raw.bytes.byteLength, { code: e.code, reason: e.message }, log, setAside);
      continue;
    }
    try {
      await apply({ key, id: opened.id, body: opened.body });
    } catch (e) {
      const failed = (failures.get(key) ?? 0) + 1;
      if (failed < MAX_APPLY_ATTEMPTS) {
        failures.set(key, failed);
        throw e;
      }
      failures.delete(key);
      await reject(store, key, raw.bytes.byteLength, { code: "ApplyFailed", reason: `applying it failed ${failed} times: ${e instanceof Error ? e.message : String(e)}` }, log, setAside);
      continue;
    }
    failures.delete(key);
    await store.delete(key);
    applied++;
  }
  return applied;
}

/** Moves an unreadable message out of the inbox, unread; if that fails, skips it from now on. */
async function reject(
  store: RelayStore,
  key: string,
  size: number,
  why: { code: string; reason: string },
  log: Logger,
  setAside: Set<string>,
): Promise<void> {
  const movedTo = relayKeys.rejected(key);
  try {
    await store.move(key, movedTo);
    log.warn("rejected relay message, moved aside", { key, size, ...why, movedTo });
  } catch (e) {
    setAside.add(key);
    log.warn("rejected relay message, could not move it aside; skipping it", { key, size, ...why, error: e });
  }
}

/** Keys no longer listed (another agent took them) are forgotten, so that the memory stays as short as the inbox. */
function forgetGone(remembered: Set<string> | Map<string, number>, listed: readonly string[]): void {
  if (remembered.size === 0) return;
  const present = new Set(listed);
  for (const key of remembered.keys()) if (!present.has(key)) remembered.delete(key);
}
