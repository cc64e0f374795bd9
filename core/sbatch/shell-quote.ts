import { AilabError } from "../errors.js";

/**
 * Quotes a value for a POSIX shell: the whole value in single quotes, each
 * `'` written as `'\''`. Inside single quotes nothing is special — not `$`,
 * backticks, `\` or newlines — so the value reaches the program as written.
 * NUL cannot be passed in an argument at all, so it is refused.
 *
 * @example shellQuote("it's") // 'it'\''s'
 */
export function shellQuote(value: string | number): string {
  const text = String(value);
  if (text.includes("\u0000")) {
    throw new AilabError("UnsafeShellValue", `a value for the batch script holds a NUL byte: ${JSON.stringify(text)}`, {
      value: text,
    });
  }
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/** What an `#SBATCH` value may hold: no quotes, spaces, `$`, newlines or anything else with a meaning. */
export const SBATCH_VALUE_PATTERN = /^[A-Za-z0-9._:=@,+/%-]+$/;

/**
 * Checks a value for an `#SBATCH --flag=value` line and returns it as is.
 * Those lines are comments to bash but options to Slurm, which splits them
 * its own way, so quoting would not help: a newline would end the comment
 * and run the rest as shell. Anything outside `[A-Za-z0-9._:=@,+/%-]` is
 * refused; the task file's checks make sure users never reach this refusal.
 *
 * @example sbatchValue("4:00:00") // "4:00:00"
 */
export function sbatchValue(value: string | number): string {
  const text = String(value);
  if (!SBATCH_VALUE_PATTERN.test(text)) {
    throw new AilabError(
      "UnsafeSbatchValue",
      `refusing ${JSON.stringify(text)} on an #SBATCH line: expected only letters, digits and . _ : = @ , + / % -`,
      { value: text },
    );
  }
  return text;
}

/** Environment variable names cannot be quoted in an assignment, so they are checked instead. */
export function shellName(value: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(value)) {
    throw new AilabError("UnsafeShellValue", `refusing ${JSON.stringify(value)} as a variable name`, { value });
  }
  return value;
}
