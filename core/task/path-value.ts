import { normaliseProjectPath } from "./project-path.js";
import type { IssueList, TableReader } from "./toml-table-reader.js";
import { describeValue } from "./toml-table-reader.js";

/**
 * Checks one path value from task.toml (a string that stays inside the
 * project) and returns it normalised, or records an issue under `key`.
 */
export function pathValue(issues: IssueList, value: unknown, key: string): string | undefined {
  if (typeof value !== "string") {
    issues.add(key, `expected a path inside the project (a string), got ${describeValue(value)}`);
    return undefined;
  }
  const result = normaliseProjectPath(value);
  if (result.ok) return result.path;
  issues.add(key, `expected ${result.expected}, got ${describeValue(value)}`);
  return undefined;
}

/** Reads an optional path key of a table. */
export function readPath(reader: TableReader, name: string): string | undefined {
  const value = reader.raw(name);
  return value === undefined ? undefined : pathValue(reader.issues, value, reader.key(name));
}

/** Reads an optional array of paths. */
export function readPaths(reader: TableReader, name: string): string[] | undefined {
  return reader.array(name, "an array of paths inside the project", (v, key) => pathValue(reader.issues, v, key));
}

/**
 * Reads a value that two spellings may give (`pyproject` / `pyproject_toml`):
 * either is fine, both is fine when they agree, and different values are an
 * issue naming both keys.
 */
export function readEitherPath(reader: TableReader, name: string, older: string): string | undefined {
  const a = readPath(reader, name);
  const b = readPath(reader, older);
  if (a !== undefined && b !== undefined && a !== b) {
    reader.issues.add(
      reader.key(name),
      `${reader.key(name)} and ${reader.key(older)} are two spellings of one setting and disagree ` +
        `(${describeValue(a)} vs ${describeValue(b)}); keep one`,
    );
    return undefined;
  }
  return a ?? b;
}
