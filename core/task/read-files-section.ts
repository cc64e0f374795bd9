import { normaliseIgnorePattern } from "./project-path.js";
import { pathValue, readPath } from "./path-value.js";
import type { Task } from "./task.js";
import { describeValue, isTable, TableReader } from "./toml-table-reader.js";

/** Dataset names, as registered with `ailab sync-dataset`. */
export const DATASET_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

type Files = Task["files"];

/** [files] as read, plus the older spelling's `workdir`, which belongs to [run]. */
export interface FilesSection {
  files: Files;
  workdir?: string;
}

/** Reads [files]: ignore patterns, datasets, downloads and what to upload. */
export function readFilesSection(reader: TableReader | undefined): FilesSection {
  const files: Files = { ignore: [], datasets: [], download: [], upload: [{ local: ".", remote: "." }] };
  if (!reader) return { files };
  const { issues } = reader;
  files.ignore =
    reader.array("ignore", "an array of gitignore patterns", (v, key) => {
      const pattern = typeof v === "string" ? normaliseIgnorePattern(v) : undefined;
      if (pattern === undefined) issues.add(key, `expected a gitignore pattern (a non-empty string on one line), got ${describeValue(v)}`);
      return pattern;
    }) ?? [];
  files.datasets =
    reader.array("datasets", "an array of dataset names", (v, key) => {
      if (typeof v === "string" && DATASET_NAME_PATTERN.test(v)) return v;
      issues.add(key, `expected a dataset name (letters, digits, _ . -), got ${describeValue(v)}`);
      return undefined;
    }) ?? [];
  files.download =
    reader.array("download", "an array of { remote, local } tables", (v, key) => pair(reader, v, key, "remote", "local")) ?? [];
  const upload = reader.raw("upload");
  if (upload === ".") {
    files.upload = [{ local: ".", remote: "." }];
  } else if (upload !== undefined) {
    files.upload =
      reader.array("upload", '"." or an array of { local, remote } tables', (v, key) => pair(reader, v, key, "local", "remote")) ?? [];
  }
  const workdir = readPath(reader, "workdir");
  reader.finish();
  return workdir === undefined ? { files } : { files, workdir };
}

/** One `{ remote, local }` / `{ local, remote }` table; both members are paths inside their folder. */
function pair<A extends string, B extends string>(
  reader: TableReader,
  value: unknown,
  key: string,
  a: A,
  b: B,
): ({ [k in A | B]: string }) | undefined {
  if (!isTable(value)) {
    reader.wrong(key, `a table { ${a} = "…", ${b} = "…" }`, value);
    return undefined;
  }
  const item = new TableReader(reader.issues, key, value);
  const first = item.raw(a);
  const second = item.raw(b);
  item.finish();
  if (first === undefined) reader.issues.add(`${key}.${a}`, "expected a path, but it is missing");
  if (second === undefined) reader.issues.add(`${key}.${b}`, "expected a path, but it is missing");
  if (first === undefined || second === undefined) return undefined;
  const pa = pathValue(reader.issues, first, `${key}.${a}`);
  const pb = pathValue(reader.issues, second, `${key}.${b}`);
  if (pa === undefined || pb === undefined) return undefined;
  return { [a]: pa, [b]: pb } as { [k in A | B]: string };
}
