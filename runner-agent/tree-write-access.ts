import { chmod, lstat, readdir } from "node:fs/promises";
import { join } from "node:path";
import { errnoCode } from "../core/errors.js";

/**
 * Takes write permission from everyone on a whole tree (`chmod -R a-w`), or
 * gives it back to the owner (`chmod -R u+w`, before the tree is removed).
 * Links are not followed: a venv's `bin/python` points at the interpreter,
 * which is not the runner's to change. A shared environment is made
 * read-only once it is built, so that a job (which runs as the same account)
 * cannot install into what other students' jobs use; root ignores the mode,
 * which is why a job is also pointed at its own venv (see makeJobVenv).
 */
export async function setTreeWritable(root: string, writable: boolean): Promise<void> {
  let info;
  try {
    info = await lstat(root);
  } catch (e) {
    if (errnoCode(e) === "ENOENT") return;
    throw e;
  }
  if (info.isSymbolicLink()) return;
  const mode = info.mode & 0o7777;
  // Write access first on the way down (to read and change what is inside), taken last on the way up.
  if (writable) await chmod(root, mode | 0o200);
  if (info.isDirectory()) for (const name of await readdir(root)) await setTreeWritable(join(root, name), writable);
  if (!writable) await chmod(root, mode & ~0o222);
}
