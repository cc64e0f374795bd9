import { SWEEP_NAME_PATTERN, SWEEP_VALUE_PATTERN, type Sweep } from "./sweep.js";
import { BUILTIN_PLACEHOLDERS } from "./sweep.js";
import { describeValue, dottedKey, type TableReader } from "./toml-table-reader.js";

/** The most runs one push may start (Slurm's default MaxArraySize is 1001). */
export const MAX_SWEEP_RUNS = 1000;

const RANGE = /^(-?\d{1,9})\.\.(-?\d{1,9})$/;
const VALUES_EXPECTED = `an array of numbers or strings (of letters, digits and . _ : = @ , + / % -), or a range "a..b" of whole numbers (at most ${MAX_SWEEP_RUNS} values either way)`;

/** A sweep parameter as written: how many values it takes, and how to make them. */
interface Parameter {
  count: number;
  values: () => (string | number)[];
}

/**
 * Reads [sweep]: each key a parameter name, each value an array or a range
 * `"1..3"` (inclusive) that becomes `[1, 2, 3]`. The number of runs is the
 * product of the counts, computed before any range is expanded: three ranges
 * of "0..999" are a billion runs and must be refused in microseconds, not
 * expanded until the server runs out of memory.
 */
export function readSweep(reader: TableReader | undefined): Sweep | undefined {
  if (!reader) return undefined;
  const parameters = new Map<string, Parameter>();
  for (const name of Object.keys(reader.table)) {
    const key = dottedKey(reader.prefix, name);
    const value = reader.raw(name);
    if (!SWEEP_NAME_PATTERN.test(name) || (BUILTIN_PLACEHOLDERS as readonly string[]).includes(name)) {
      reader.issues.add(key, `expected a parameter name of letters, digits and _ (not ${BUILTIN_PLACEHOLDERS.join(", ")}), got ${describeValue(name)}`);
      continue;
    }
    const parameter = sweepParameter(value);
    if ("bad" in parameter) reader.wrong(key, VALUES_EXPECTED, parameter.bad);
    else parameters.set(name, parameter);
  }
  reader.finish();
  const counts = [...parameters.values()].map((p) => p.count);
  const runs = counts.reduce((product, count) => product * count, 1); // a float: a huge sweep may reach Infinity, still > the limit
  if (runs > MAX_SWEEP_RUNS) {
    const product = runs < 1e15 ? runs.toLocaleString("en-US") : "more than 10^15";
    const shown = counts.length <= 6 ? `${counts.join(" × ")} = ${product}` : `${product} (${counts.length} parameters)`;
    reader.issues.add(reader.prefix, `expected at most ${MAX_SWEEP_RUNS} runs in all, got ${shown}`);
    return {};
  }
  const sweep: Sweep = {};
  for (const [name, parameter] of parameters) sweep[name] = parameter.values();
  return sweep;
}

/** The parameter, or the value to quote back as wrong (the whole value, or the bad item of an array). */
function sweepParameter(value: unknown): Parameter | { bad: unknown } {
  if (typeof value === "string") {
    const m = RANGE.exec(value);
    if (!m) return { bad: value };
    const from = Number(m[1]);
    const to = Number(m[2]);
    if (to < from || to - from >= MAX_SWEEP_RUNS) return { bad: value };
    const count = to - from + 1;
    return { count, values: () => Array.from({ length: count }, (_, i) => from + i) };
  }
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_SWEEP_RUNS) return { bad: value };
  const values: (string | number)[] = [];
  for (const v of value as unknown[]) {
    if (typeof v === "bigint" && v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)) values.push(Number(v));
    else if ((typeof v === "number" && Number.isFinite(v)) || (typeof v === "string" && SWEEP_VALUE_PATTERN.test(v))) values.push(v);
    else return { bad: v };
  }
  return { count: values.length, values: () => values };
}
