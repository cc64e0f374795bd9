/**
 * What a project asks of the Python it runs with: pyproject's
 * `requires-python` and the first line of its `.python-version`, as written.
 */
export interface PythonAsk {
  requiresPython?: string;
  pythonVersionFile?: string;
}

export type PythonCheck = { ok: true; versions: string[] } | { ok: false; message: string };

/**
 * Whether any of `runnerPythons` (versions such as `3.11.7`, as runners
 * report them in their heartbeat) satisfies the project, the way uv picks
 * an interpreter: the `.python-version` request (`3.11`, `3.11.7`,
 * `cpython@3.12`, or a specifier such as `>=3.11`) and `requires-python`
 * (PEP 440 specifiers: `>=3.10,<3.13`, `~=3.11`, `==3.11.*`) must both
 * hold. A request it cannot read (`pypy@3.10`, a path) is not refused here,
 * and neither is anything while no runner has reported its Pythons: uv has
 * the last word. Pure, for the action's push check and `ailab validate`.
 * Example: `checkPythonAvailable(">=3.13", undefined, ["3.11.7"])` →
 * `{ ok: false, message: 'requires-python ">=3.13" asks for a Python no runner has: runners have 3.11.7' }`.
 */
export function checkPythonAvailable(requiresPython: string | undefined, pythonVersionFile: string | undefined, runnerPythons: readonly string[]): PythonCheck {
  const ask = { ...(requiresPython !== undefined ? { requiresPython } : {}), ...(pythonVersionFile !== undefined ? { pythonVersionFile } : {}) };
  const versions = runnerPythons.filter((v) => pythonFits(ask, v));
  if (versions.length > 0 || runnerPythons.length === 0) return { ok: true, versions };
  return { ok: false, message: `${describePythonAsk(ask)} asks for a Python no runner has: runners have ${runnerPythons.join(", ")}` };
}

/** Whether Python `version` (`3.11.7`) satisfies `ask`; true for what cannot be read. */
export function pythonFits(ask: PythonAsk, version: string): boolean {
  const have = parseVersion(version);
  if (!have) return true;
  if (ask.requiresPython !== undefined && matchesSpecifiers(ask.requiresPython, have) === false) return false;
  const request = ask.pythonVersionFile === undefined ? undefined : versionRequest(ask.pythonVersionFile);
  if (request === undefined) return true;
  if (/^[<>=!~]/.test(request)) return matchesSpecifiers(request, have) !== false;
  const wanted = parseVersion(request);
  return wanted === undefined || wanted.every((part, i) => have[i] === part);
}

/** How an ask reads in a message: `requires-python ">=3.11" and .python-version "3.12"`. */
export function describePythonAsk(ask: PythonAsk): string {
  const parts: string[] = [];
  if (ask.requiresPython !== undefined) parts.push(`requires-python ${JSON.stringify(ask.requiresPython)}`);
  const request = ask.pythonVersionFile === undefined ? undefined : versionRequest(ask.pythonVersionFile);
  if (request !== undefined) parts.push(`.python-version ${JSON.stringify(request)}`);
  return parts.join(" and ") || "the project";
}

/** The first line of a .python-version that is not blank or a comment, without a `cpython@`/`cpython-` prefix. */
function versionRequest(file: string): string | undefined {
  const line = file.split(/\r?\n/).map((l) => l.trim()).find((l) => l !== "" && !l.startsWith("#"));
  return line?.replace(/^cpython[@-]?/i, "");
}

/** `3.11.7` → [3, 11, 7]; undefined for anything but dotted numbers. */
function parseVersion(text: string): number[] | undefined {
  return /^\d+(\.\d+)*$/.test(text.trim()) ? text.trim().split(".").map(Number) : undefined;
}

/** PEP 440 specifiers against a final release; undefined when a clause cannot be read. */
function matchesSpecifiers(specifiers: string, have: number[]): boolean | undefined {
  let all = true;
  for (const clause of specifiers.split(",").map((c) => c.trim()).filter((c) => c !== "")) {
    const match = /^(===|==|!=|~=|>=|<=|>|<)\s*(\d+(?:\.\d+)*)(\.\*)?$/.exec(clause);
    if (!match) return undefined;
    const [, op, text, star] = match;
    const want = text!.split(".").map(Number);
    const cmp = compare(have, want);
    const prefix = want.every((part, i) => have[i] === part);
    let ok: boolean;
    if (op === "==" || op === "===") ok = star ? prefix : cmp === 0;
    else if (op === "!=") ok = star ? !prefix : cmp !== 0;
    else if (op === "~=") ok = want.length >= 2 && cmp >= 0 && want.slice(0, -1).every((part, i) => have[i] === part);
    else if (star) return undefined;
    else ok = op === ">=" ? cmp >= 0 : op === "<=" ? cmp <= 0 : op === ">" ? cmp > 0 : cmp < 0;
    all &&= ok;
  }
  return all;
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}
