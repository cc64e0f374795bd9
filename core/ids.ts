import { randomBytes } from "node:crypto";

const BASE32 = "0123456789abcdefghjkmnpqrstvwxyz";

function randomBase32(length: number): string {
  const bytes = randomBytes(length);
  let out = "";
  for (const b of bytes) out += BASE32[b % 32];
  return out;
}

/**
 * An id that sorts by creation time as a string: milliseconds since the epoch
 * in 10 base-32 digits, then random digits. Message names use it so that a
 * receiver reading its inbox in key order reads the oldest first.
 */
export function sortableId(now: number = Date.now(), randomLength = 8): string {
  let time = "";
  let t = Math.floor(now);
  for (let i = 0; i < 10; i++) {
    time = BASE32[t % 32]! + time;
    t = Math.floor(t / 32);
  }
  return `${time}${randomBase32(randomLength)}`;
}

/**
 * A task id: short enough to type, sortable, safe in a tag, a path and a
 * Slurm job name. Example: `mfz3k2a1b0-7f2k`.
 */
export function newTaskId(now: number = Date.now()): string {
  const id = sortableId(now, 4);
  return `${id.slice(0, 10)}-${id.slice(10)}`;
}

export const TASK_ID_PATTERN = /^[0-9a-z]{10}-[0-9a-z]{4}$/;
