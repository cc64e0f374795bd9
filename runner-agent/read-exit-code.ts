import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
import { basename, dirname } from "node:path";
import { errnoCode } from "../core/errors.js";

const NO_FOLLOW = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK | constants.O_NOCTTY;
/** `255\n` and then some: a longer file holds no exit code. */
const MAX_BYTES = 16;

/**
 * The exit code a batch script recorded (it writes the file whole: tmp, then
 * mv): the number; `null` if the file holds no number, or is no plain file
 * of its own (a link, a hard link, a FIFO: never followed or read, see
 * openInside); `undefined` if the script has written none yet. One reader
 * for every scheduler and sweep run. Synchronous, like the local
 * executor's poll that reads it: the folder is opened, then the file in it
 * through the folder's fd.
 */
export function readExitCode(file: string): number | null | undefined {
  let dir: number;
  try {
    dir = openSync(dirname(file), NO_FOLLOW | constants.O_DIRECTORY);
  } catch (e) {
    if (errnoCode(e) === "ENOENT") return undefined;
    if (errnoCode(e) === "ELOOP" || errnoCode(e) === "ENOTDIR") return null;
    throw e;
  }
  try {
    return readCode(dir, basename(file));
  } finally {
    closeSync(dir);
  }
}

function readCode(dir: number, name: string): number | null | undefined {
  let fd: number;
  try {
    fd = openSync(`/proc/self/fd/${dir}/${name}`, NO_FOLLOW);
  } catch (e) {
    if (errnoCode(e) === "ENOENT") return undefined;
    if (errnoCode(e) === "ELOOP" || errnoCode(e) === "ENXIO") return null;
    throw e;
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile() || stat.nlink !== 1 || stat.dev !== fstatSync(dir).dev) return null;
    const buffer = Buffer.alloc(MAX_BYTES + 1);
    const bytes = readSync(fd, buffer, 0, buffer.length, 0);
    const text = buffer.subarray(0, bytes).toString("utf8").trim();
    return bytes <= MAX_BYTES && /^\d{1,3}$/.test(text) ? Number(text) : null;
  } finally {
    closeSync(fd);
  }
}
