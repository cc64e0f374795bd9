import { tooBigMessage, type TaskFileIssue } from "./parse-task-file.js";
import { TASK_LIMITS } from "./task-limits.js";

/** The task file's text, or the issue that keeps it from being read. */
export type DecodedTaskFile = { ok: true; text: string } | { ok: false; issue: TaskFileIssue };

const UTF8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Turns a task file's bytes into text, refusing what TOML does not allow
 * instead of reading it wrongly: more than TASK_LIMITS.fileBytes, UTF-16 (an
 * editor on Windows may save it so; read as UTF-8 it is full of NULs) and
 * bytes that are not UTF-8 (read leniently they would silently become U+FFFD
 * in a command). A UTF-8 byte order mark is dropped. The CLI and the action
 * both read the task file through this, so they refuse it in the same words.
 */
export function decodeTaskFile(bytes: Uint8Array, file: string): DecodedTaskFile {
  const refuse = (message: string): DecodedTaskFile => ({ ok: false, issue: { file, key: "(file)", message } });
  if (bytes.length > TASK_LIMITS.fileBytes) return refuse(tooBigMessage(bytes.length));
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return refuse("expected UTF-8 text, got UTF-16 (it starts with a UTF-16 byte order mark); save the file as UTF-8");
  }
  try {
    return { ok: true, text: UTF8.decode(bytes) };
  } catch {
    const at = firstInvalidByte(bytes);
    return refuse(`expected UTF-8 text, got bytes that are not UTF-8 (line ${at.line}, byte ${at.offset} of the file); save the file as UTF-8`);
  }
}

/** Where the first byte that is not UTF-8 is: its offset and its line (1-based). */
function firstInvalidByte(bytes: Uint8Array): { offset: number; line: number } {
  let line = 1;
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const length = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    if (length === 0 || i + length > bytes.length) break;
    let valid = true;
    for (let k = 1; k < length; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) valid = false;
    if (!valid) break;
    if (b === 0x0a) line++;
    i += length;
  }
  return { offset: i, line };
}
