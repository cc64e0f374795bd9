/**
 * `.gitignore` text with `entries` added at the end, each unless a line
 * already ignores it (`results`, `results/`, `/results/` and `results/*`
 * all count for `results/`); undefined when nothing needs adding, so the
 * file is left alone. What was there is kept as it was, its line endings too.
 *
 * @example addGitignoreEntries("*.pyc\n", ["results/"], "# ailab pull") // "*.pyc\n\n# ailab pull\nresults/\n"
 */
export function addGitignoreEntries(existing: string | undefined, entries: readonly string[], comment: string): string | undefined {
  const text = existing ?? "";
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const present = new Set(text.split(/\r?\n/).map((line) => normalise(line)).filter((line) => line !== ""));
  const missing = entries.filter((entry) => !present.has(normalise(entry)));
  if (missing.length === 0) return undefined;
  const separator = text === "" ? "" : text.endsWith("\n") ? eol : eol + eol;
  return `${text}${separator}${[comment, ...missing].join(eol)}${eol}`;
}

/** `/results/**` → `results`: the forms of one folder's pattern, compared alike. Comments and negations stay as they are. */
function normalise(line: string): string {
  const trimmed = line.trim();
  if (trimmed.startsWith("#") || trimmed.startsWith("!")) return trimmed;
  return trimmed.replace(/^\//, "").replace(/\/(\*\*?)?$/, "");
}
