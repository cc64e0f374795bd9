/**
 * The Slurm value forms task.toml accepts, checked strictly because each ends
 * up on an `#SBATCH` line. Also parses them, for the runner's accounting and
 * the local executor's time limit.
 */

/** `--mem`: a positive integer, then optionally K, M, G or T (Slurm's default unit is M). */
export const MEMORY_PATTERN = /^[1-9][0-9]{0,8}[KMGT]?$/;

/** `--gres` type, `--partition`, a runner (cluster) name. */
export const SLURM_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

// M, M:S, H:M:S, D-H, D-H:M, D-H:M:S
const TIME_FORMS: readonly RegExp[] = [
  /^(?<m>\d{1,6})$/,
  /^(?<m>\d{1,6}):(?<s>\d{1,2})$/,
  /^(?<h>\d{1,4}):(?<m>\d{1,2}):(?<s>\d{1,2})$/,
  /^(?<d>\d{1,3})-(?<h>\d{1,2})$/,
  /^(?<d>\d{1,3})-(?<h>\d{1,2}):(?<m>\d{1,2})$/,
  /^(?<d>\d{1,3})-(?<h>\d{1,2}):(?<m>\d{1,2}):(?<s>\d{1,2})$/,
];

/**
 * Seconds in a Slurm time limit (`M`, `M:S`, `H:M:S`, `D-H`, `D-H:M`,
 * `D-H:M:S`), or undefined when the text is not one of those forms or is zero
 * (Slurm reads 0 as "no limit", which a shared cluster should not hand out).
 *
 * @example timeLimitSeconds("1-12") // 129600
 */
export function timeLimitSeconds(text: string): number | undefined {
  for (const form of TIME_FORMS) {
    const g = form.exec(text)?.groups;
    if (!g) continue;
    const n = (v: string | undefined): number => (v === undefined ? 0 : Number(v));
    const seconds = ((n(g.d) * 24 + n(g.h)) * 60 + n(g.m)) * 60 + n(g.s);
    return seconds > 0 ? seconds : undefined;
  }
  return undefined;
}

const MEMORY_UNITS: Record<string, number> = { K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };

/** Bytes in a Slurm memory size (`4096` is MiB, `32G` is GiB), or undefined if it is not one. */
export function memoryBytes(text: string): number | undefined {
  if (!MEMORY_PATTERN.test(text)) return undefined;
  const hasUnit = /[KMGT]$/.test(text);
  const amount = Number(hasUnit ? text.slice(0, -1) : text);
  return amount * MEMORY_UNITS[hasUnit ? text.slice(-1) : "M"]!;
}
