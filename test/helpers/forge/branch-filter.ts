// A hook's branch_filter, as Gitea matches it (gobwas/glob without
// separators): `*` and `**` match anything, `/` included; `?` one character;
// `{a,b}` alternatives; `[...]` classes. Empty or `*` lets everything through.

/** True when the filter lets `candidates` (short name, full ref) through. */
export function branchFilterMatches(filter: string, candidates: readonly string[]): boolean {
  if (filter === "" || filter === "*" || filter === "**") return true;
  const pattern = globToRegExp(filter);
  return candidates.some((c) => pattern.test(c));
}

export function globToRegExp(glob: string): RegExp {
  let out = "";
  let depth = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob.charAt(i);
    if (c === "*") {
      while (glob.charAt(i + 1) === "*") i++;
      out += ".*";
    } else if (c === "?") out += ".";
    else if (c === "{") {
      depth++;
      out += "(?:";
    } else if (c === "}" && depth > 0) {
      depth--;
      out += ")";
    } else if (c === "," && depth > 0) out += "|";
    else if (c === "[") {
      const end = glob.indexOf("]", i + 1);
      if (end < 0) out += "\\[";
      else {
        const body = glob.slice(i + 1, end).replace(/^!/, "^").replace(/\\/g, "\\\\");
        out += `[${body}]`;
        i = end;
      }
    } else if (c === "\\" && i + 1 < glob.length) out += escape(glob.charAt(++i));
    else out += escape(c);
  }
  return new RegExp(`^${out}$`);
}

function escape(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}
