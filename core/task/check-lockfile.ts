import { parse as parseToml, TomlError } from "smol-toml";
import type { TaskFileIssue } from "./parse-task-file.js";
import { isTable, quoteString, type TomlTable } from "./toml-table-reader.js";

const FIX = "run `uv lock` and commit the new uv.lock";

/**
 * Checks, without running uv, that the lockfile was written by `uv lock` for
 * this pyproject.toml: it has a `[[package]]` for the project (names compared
 * as PEP 503 normalises them), that package's recorded `requires-dist` names
 * the same dependencies as `[project] dependencies` and
 * `optional-dependencies`, and its `requires-python` is the project's.
 * A lock that fails this would make `uv sync --frozen` on the runner install
 * something else than the student's laptop has (or nothing: an empty lock
 * from a Poetry project), so it is refused with the command that fixes it.
 * Only names are compared, not version specifiers, and whatever cannot be
 * told for certain (dynamic dependencies, workspaces) is left to uv.
 * `paths` names the two files in the issues.
 */
export function checkLockfile(pyprojectText: string, lockText: string, paths: { pyproject: string; lockfile: string }): TaskFileIssue[] {
  const pyproject = tryParse(pyprojectText, paths.pyproject, "fix pyproject.toml");
  if (!pyproject.ok) return [pyproject.issue];
  const lock = tryParse(lockText, paths.lockfile, FIX);
  if (!lock.ok) return [lock.issue];
  const issue = (file: string, key: string, message: string): TaskFileIssue[] => [{ file, key, message }];

  const project = isTable(pyproject.doc.project) ? pyproject.doc.project : undefined;
  const packages = Array.isArray(lock.doc.package) ? lock.doc.package.filter(isTable) : [];
  if (project === undefined) {
    // No [project]: uv only locks dependency groups then (or nothing, for a Poetry-only project).
    if (packages.length > 0 || isTable(lock.doc.manifest)) return [];
    return issue(paths.lockfile, "package", `expected a lockfile that locks the project's packages, got one that locks none, and ${paths.pyproject} has no [project] table (uv reads the name and dependencies from [project]; a Poetry-only project needs one); add [project], then ${FIX}`);
  }
  if (typeof project.name !== "string" || project.name === "") {
    return issue(paths.pyproject, "project.name", "expected the project's name (a string), but it is missing");
  }
  const name = normaliseName(project.name);
  const entry = packages.find((p) => typeof p.name === "string" && normaliseName(p.name) === name);
  if (entry === undefined) {
    const what = packages.length === 0 ? "got a lockfile that locks no packages" : "got none (the lockfile is for another project, or older than its name)";
    return issue(paths.lockfile, "package", `expected a [[package]] entry for ${quoteString(name)} (the project in ${paths.pyproject}), ${what}; ${FIX}`);
  }
  return [...checkDependencies(project, entry, paths), ...checkRequiresPython(pyproject.doc, project, lock.doc, paths)];
}

/** PEP 503: lowercase, each run of `-`, `_` and `.` one `-`. */
export function normaliseName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, "-");
}

function checkDependencies(project: TomlTable, entry: TomlTable, paths: { pyproject: string; lockfile: string }): TaskFileIssue[] {
  if (Array.isArray(project.dynamic) && project.dynamic.includes("dependencies")) return []; // the build backend decides; uv checks it
  const wanted = new Set<string>();
  const add = (list: unknown): void => {
    if (!Array.isArray(list)) return;
    for (const item of list) {
      const match = typeof item === "string" ? /^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)/.exec(item) : null;
      if (match) wanted.add(normaliseName(match[1]!));
    }
  };
  add(project.dependencies);
  if (isTable(project["optional-dependencies"])) Object.values(project["optional-dependencies"]).forEach(add);
  const metadata = isTable(entry.metadata) ? entry.metadata : {};
  const locked = new Set<string>();
  for (const item of Array.isArray(metadata["requires-dist"]) ? metadata["requires-dist"] : []) {
    if (isTable(item) && typeof item.name === "string") locked.add(normaliseName(item.name));
  }
  const added = [...wanted].filter((n) => !locked.has(n)).sort();
  const dropped = [...locked].filter((n) => !wanted.has(n)).sort();
  if (added.length === 0 && dropped.length === 0) return [];
  const list = (names: string[]) => names.slice(0, 5).join(", ") + (names.length > 5 ? ` and ${names.length - 5} more` : "");
  const changes = [added.length > 0 ? `adds ${list(added)}` : "", dropped.length > 0 ? `drops ${list(dropped)}` : ""].filter(Boolean).join(" and ");
  return [{ file: paths.lockfile, key: "package.metadata.requires-dist", message: `expected the dependencies of ${paths.pyproject}, but ${paths.pyproject} ${changes} since uv.lock was written; ${FIX}` }];
}

function checkRequiresPython(doc: TomlTable, project: TomlTable, lock: TomlTable, paths: { pyproject: string; lockfile: string }): TaskFileIssue[] {
  const written = project["requires-python"];
  const locked = lock["requires-python"];
  if (typeof written !== "string" || typeof locked !== "string") return [];
  const tool = isTable(doc.tool) && isTable(doc.tool.uv) ? doc.tool.uv : {};
  if (isTable(tool.workspace)) return []; // the lock holds what all members allow together
  const a = specifierClauses(written);
  const b = specifierClauses(locked);
  if (a === undefined || b === undefined || (a.length === b.length && a.every((c, i) => c === b[i]))) return [];
  return [{ file: paths.lockfile, key: "requires-python", message: `expected ${quoteString(written)} (as in ${paths.pyproject}), got ${quoteString(locked)}; ${FIX}` }];
}

/**
 * A version specifier as a sorted list of clauses, whitespace dropped and
 * `~=X.Y` written out the way uv records it (`>=X.Y`, `<X+1`). Undefined for
 * a form this does not know, so that nothing is refused on a guess.
 */
function specifierClauses(text: string): string[] | undefined {
  const out: string[] = [];
  for (const raw of text.split(",")) {
    const clause = raw.replace(/\s+/g, "");
    const compatible = /^~=(\d+(?:\.\d+)+)$/.exec(clause);
    if (compatible) {
      const parts = compatible[1]!.split(".").map(Number);
      const upper = parts.slice(0, -1);
      upper[upper.length - 1]! += 1;
      out.push(`>=${compatible[1]}`, `<${upper.join(".")}`);
    } else if (/^(==|!=|<=|>=|<|>)\d+(\.\d+)*(\.\*)?$/.test(clause)) {
      out.push(clause);
    } else {
      return undefined;
    }
  }
  return out.sort();
}

type Parsed = { ok: true; doc: TomlTable } | { ok: false; issue: TaskFileIssue };

function tryParse(text: string, file: string, fix: string): Parsed {
  try {
    return { ok: true, doc: parseToml(text, { maxDepth: 64 }) };
  } catch (e) {
    if (!(e instanceof TomlError)) throw e;
    const where = typeof e.line === "number" ? `line ${e.line}: ` : "";
    return { ok: false, issue: { file, key: "(syntax)", message: `${where}${e.message.split("\n")[0] ?? e.message} (${file} is not valid TOML); ${fix}` } };
  }
}
