import { SWEEP_NAME_PATTERN, SWEEP_VALUE_PATTERN, sweepRuns, type Sweep } from "./sweep.js";
import { BUILTIN_PLACEHOLDERS } from "./sweep.js";
import { describeValue, dottedKey, type TableReader } from "./toml-table-reader.js";

/** The most runs one push may start (Slurm's default MaxArraySize is 1001). */
export const MAX_SWEEP_RUNS = 1000;

const RANGE = /^(-?\d{1,9})\.\.(-?\d{1,9})$/;
const VALUES_EXPECTED = `an array of numbers or strings (of letters, digits and . _ : = @ , + / % -), or a range "a..b" of whole numbers`;

/**
 * Reads [sweep]: each key a parameter name, each value an array or a range
 * `"1..3"` (inclusive) that becomes `[1, 2, 3]`.
 */
export function readSweep(reader: TableReader | undefined): Sweep | undefined {
  if (!reader) return undefined;
  const sweep: Sweep = {};
  for (const name of Object.keys(reader.table)) {
    const key = dottedKey(reader.prefix, name);
    const value = reader.raw(name);
    if (!SWEEP_NAME_PATTERN.test(name) || (BUILTIN_PLACEHOLDERS as readonly string[]).includes(name)) {
      reader.issues.add(key, `expected a parameter name of letters, digits and _ (not ${BUILTIN_PLACEHOLDERS.join(", ")}), got ${describeValue(name)}`);
      continue;
    }
    const values = sweepValues(value);
    if (values === undefined) reader.wrong(key, VALUES_EXPECTED, value);
    else sweep[name] = values;
  }
  const runs = sweepRuns(sweep).length;
  if (runs > MAX_SWEEP_RUNS) reader.issues.add(reader.prefix, `expected at most ${MAX_SWEEP_RUNS} runs in all, got ${runs}`);
  reader.finish();
  return sweep;
}

function sweepValues(value: unknown): (string | number)[] | undefined {
  if (typeof value === "string") {
    const m = RANGE.exec(value);
    if (!m) return undefined;
    const from = Number(m[1]);
    const to = Number(m[2]);
    if (to < from || to - from >= MAX_SWEEP_RUNS) return undefined;
    return Array.from({ length: to - from + 1 }, (_, i) => from + i);
  }
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const ok = value.every(
    (v: unknown) => (typeof v === "number" && Number.isFinite(v)) || (typeof v === "string" && SWEEP_VALUE_PATTERN.test(v)),
  );
  return ok ? (value as (string | number)[]) : undefined;
}
