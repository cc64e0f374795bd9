import { readFileSync } from "node:fs";
import { errnoCode } from "../core/errors.js";

/**
 * The exit code a batch script recorded (it writes the file whole: tmp, then
 * mv): the number; `null` if the file holds no number; `undefined` if the
 * script has written none yet. One reader for every scheduler and sweep run.
 */
export function readExitCode(file: string): number | null | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8").trim();
  } catch (e) {
    if (errnoCode(e) === "ENOENT") return undefined;
    throw e;
  }
  return /^\d{1,3}$/.test(text) ? Number(text) : null;
}
