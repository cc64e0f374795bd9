import ignore from "ignore";

/**
 * Which project paths stay out of a snapshot: the rules of `.ailabignore`
 * (gitignore syntax) plus `extraPatterns` (task.toml [files] ignore). `.git`
 * is always ignored, whatever the rules say, and the root (`.`) never is.
 * Paths are POSIX and relative to the project root; a folder's contents are
 * ignored with it, and a folder itself is asked about with a trailing `/`
 * (`results/`), as gitignore's `dir/` rules only match folders.
 *
 * @example createIgnoreMatcher("results/\n", ["*.ckpt"])("results/a.txt") // true
 */
export function createIgnoreMatcher(ailabignoreText: string | undefined, extraPatterns: readonly string[]): (path: string) => boolean {
  // Added last so that no `!` rule can bring .git back.
  const rules = ignore().add(ailabignoreText ?? "").add([...extraPatterns]).add([".git", ".git/"]);
  return (path) => {
    const clean = path.replace(/^\.\/+/, "");
    if (clean === "" || clean === "." || clean === "./") return false;
    return rules.ignores(clean);
  };
}
