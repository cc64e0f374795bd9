import { posix } from "node:path";

/** The result of checking a path from task.toml: the normalised path, or why it was refused. */
export type ProjectPathResult = { ok: true; path: string } | { ok: false; expected: string };

// Control characters (NUL, newline, …) have no business in a project path and
// would only ever be there to confuse a later consumer.
function hasControl(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

/**
 * Normalises a path written in task.toml to the form a Task holds: POSIX,
 * relative to the project root, no leading `./`, no trailing `/`, `.` for the
 * root. Refuses absolute paths, `..` that climbs out after normalisation
 * (`a/../b` is fine, `a/../../b` is not), backslashes and control characters.
 *
 * @example normaliseProjectPath("./logs/") // { ok: true, path: "logs" }
 */
export function normaliseProjectPath(value: string): ProjectPathResult {
  if (value === "") return { ok: false, expected: "a non-empty path inside the project" };
  if (hasControl(value)) return { ok: false, expected: "a path without control characters (NUL, newline, …)" };
  if (value.includes("\\")) return { ok: false, expected: "a POSIX path inside the project (use / not \\)" };
  if (value.startsWith("/") || value.startsWith("~")) {
    return { ok: false, expected: "a path relative to the project root, not an absolute one" };
  }
  let path = posix.normalize(value);
  while (path.length > 1 && path.endsWith("/")) path = path.slice(0, -1);
  if (path === ".." || path.startsWith("../")) {
    return { ok: false, expected: "a path that stays inside the project (no .. leading out)" };
  }
  return { ok: true, path };
}

/**
 * Normalises a gitignore pattern from task.toml. The older spelling writes
 * `./__pycache__/`, meaning "at the project root", which gitignore spells
 * `/__pycache__/`. Returns undefined for a pattern gitignore cannot hold.
 */
export function normaliseIgnorePattern(value: string): string | undefined {
  if (value.trim() === "" || hasControl(value)) return undefined;
  return value.startsWith("./") ? value.slice(1) : value;
}
