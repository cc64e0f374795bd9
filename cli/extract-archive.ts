import { mkdir } from "node:fs/promises";
import { isAbsolute, posix } from "node:path";
import * as tar from "tar";
import type { ReadEntry } from "tar";
import { AilabError } from "../core/errors.js";

/** An archive holds an entry that must not be written: a link, a device, or a path leaving the folder. */
export class UnsafeArchiveError extends AilabError {
  constructor(archive: string, problems: string[]) {
    super("UnsafeArchive", `${archive} is refused: ${problems.slice(0, 5).join("; ")}${problems.length > 5 ? `; and ${problems.length - 5} more` : ""}`, {
      archive,
      problems,
    });
  }
}

const PLAIN_TYPES = new Set(["File", "OldFile", "ContiguousFile", "Directory"]);

/** Why an entry may not be extracted, or undefined when it is a plain file or folder inside the target. */
export function entryProblem(path: string, type: string): string | undefined {
  if (!PLAIN_TYPES.has(type)) return `${JSON.stringify(path)} is a ${type}, not a plain file or folder`;
  if (path === "" || path.includes("\0")) return `${JSON.stringify(path)} is not a usable path`;
  if (isAbsolute(path) || posix.isAbsolute(path) || /^[A-Za-z]:/.test(path) || path.includes("\\")) {
    return `${JSON.stringify(path)} is an absolute or non-POSIX path`;
  }
  if (path.split("/").includes("..")) return `${JSON.stringify(path)} climbs out with ".."`;
  return undefined;
}

/** The mode a pulled entry gets: 0755 for a folder or a file with an execute bit, else 0644; never setuid, setgid or sticky. */
export function extractedMode(type: string, mode: number | undefined): number {
  return type === "Directory" || ((mode ?? 0) & 0o111) !== 0 ? 0o755 : 0o644;
}

/**
 * Extracts a (gzipped) tar archive into `dir`, writing only plain files and
 * folders inside `dir`. The archive is read twice: first every entry is
 * checked and the whole archive is refused (UnsafeArchiveError, nothing
 * written) if any entry is a link, a device or a path that is absolute or
 * holds `..`; then node-tar extracts it in strict mode with a filter that
 * admits only files and folders and without following symbolic links
 * already in `dir`, each written with its mode masked (see extractedMode).
 * Returns the paths written, in archive order.
 */
export async function extractArchive(file: string, dir: string): Promise<string[]> {
  const problems: string[] = [];
  await tar.t({
    file,
    strict: true,
    onReadEntry: (entry: ReadEntry) => {
      const problem = entryProblem(entry.path, entry.type);
      if (problem) problems.push(problem);
    },
  });
  if (problems.length > 0) throw new UnsafeArchiveError(file, problems);

  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  await tar.x({
    file,
    cwd: dir,
    strict: true,
    preservePaths: false,
    preserveOwner: false,
    filter: (path, entry) => {
      const ok = "type" in entry && entryProblem(path, entry.type) === undefined;
      if (!ok) return false;
      // Whatever mode the archive claims, a pulled file is 0644 or 0755 (a folder 0755): no setuid, setgid or sticky bit survives.
      entry.mode = extractedMode(entry.type, entry.mode);
      written.push(path);
      return true;
    },
  });
  return written;
}
