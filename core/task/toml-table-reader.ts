import type { TaskFileIssue } from "./parse-task-file.js";

/** A TOML table as smol-toml returns it. */
export type TomlTable = Record<string, unknown>;

/** Collects every problem of one task file, so that the user sees them all at once. */
export class IssueList {
  readonly items: TaskFileIssue[] = [];
  constructor(readonly file: string) {}

  add(key: string, message: string): void {
    this.items.push({ file: this.file, key, message });
  }
}

/** True for a TOML table (not an array, not a date). */
export function isTable(value: unknown): value is TomlTable {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** The most characters of a bad string value that a message quotes back. */
export const QUOTED_VALUE_CHARS = 60;

/**
 * A string quoted as JSON (so a newline shows as `\n` and cannot break a
 * status line), cut to `max` characters with its length said after: a 100 KB
 * value quoted whole would bury the message, and the commit status with it.
 */
export function quoteString(value: string, max = QUOTED_VALUE_CHARS): string {
  const chars = Array.from(value);
  if (chars.length <= max) return JSON.stringify(value);
  return `${JSON.stringify(chars.slice(0, max).join(""))}… (${chars.length} characters)`;
}

/**
 * How a bad value is quoted back in a message: strings by quoteString, other
 * values by their kind. Numbers are TOML floats here (the parser reads
 * integers as bigint), so a float is said to be one: `4.0` reads "the float 4".
 */
export function describeValue(value: unknown): string {
  if (typeof value === "string") return quoteString(value);
  if (typeof value === "number") return Number.isInteger(value) ? `the float ${value}` : String(value);
  if (typeof value === "boolean" || typeof value === "bigint") return String(value);
  if (value instanceof Date) return `the date ${value.toISOString()}`;
  if (Array.isArray(value)) return "an array";
  if (isTable(value)) return "a table";
  return String(value);
}

/** `a.b` for plain names, `a."odd key"` for the rest, so a key cannot forge the message around it. */
export function dottedKey(prefix: string, name: string): string {
  const part = /^[A-Za-z0-9_-]{1,64}$/.test(name) ? name : quoteString(name, 40);
  return prefix === "" ? part : `${prefix}.${part}`;
}

/**
 * Reads one table of a task file. Each getter checks the kind of value and
 * records an issue (dotted key, what was expected, the bad value quoted) when
 * it is wrong; `finish` reports every key no getter asked for as unknown.
 */
export class TableReader {
  private readonly seen = new Set<string>();

  constructor(
    readonly issues: IssueList,
    readonly prefix: string,
    readonly table: TomlTable,
  ) {}

  key(name: string): string {
    return dottedKey(this.prefix, name);
  }

  /** The raw value (marking the key as known), or undefined when absent. */
  raw(name: string): unknown {
    this.seen.add(name);
    return Object.hasOwn(this.table, name) ? this.table[name] : undefined;
  }

  wrong(key: string, expected: string, value: unknown): void {
    this.issues.add(key, `expected ${expected}, got ${describeValue(value)}`);
  }

  /** A string matching `pattern` (when given); `expected` describes the form in messages. */
  string(name: string, expected = "a string", pattern?: RegExp): string | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    if (typeof value !== "string" || (pattern && !pattern.test(value))) {
      this.wrong(this.key(name), expected, value);
      return undefined;
    }
    return value;
  }

  /** `true` or `false`. */
  boolean(name: string): boolean | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    if (typeof value !== "boolean") {
      this.wrong(this.key(name), "true or false", value);
      return undefined;
    }
    return value;
  }

  /**
   * A whole number from `min` to `max`, written as a TOML integer: `4.0` and
   * `1e9` are floats in TOML and are refused, though JavaScript would read
   * both as whole numbers (the parser keeps integers as bigint to tell).
   */
  integer(name: string, min: number, max: number): number | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    if (typeof value !== "bigint" || value < BigInt(min) || value > BigInt(max)) {
      const float = typeof value === "number" ? " (write it without a decimal point or exponent)" : "";
      this.wrong(this.key(name), `a whole number from ${min} to ${max}${float}`, value);
      return undefined;
    }
    return Number(value);
  }

  /** An array whose items each pass `item` (which reports its own issues and returns undefined on failure). */
  array<T>(name: string, expected: string, item: (value: unknown, key: string) => T | undefined): T[] | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    if (!Array.isArray(value)) {
      this.wrong(this.key(name), expected, value);
      return undefined;
    }
    const out: T[] = [];
    value.forEach((v: unknown, i) => {
      const got = item(v, `${this.key(name)}[${i}]`);
      if (got !== undefined) out.push(got);
    });
    return out;
  }

  /** A sub-table, or undefined when absent or not a table (then an issue is recorded). */
  subTable(name: string): TableReader | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    if (!isTable(value)) {
      this.wrong(this.key(name), "a table", value);
      return undefined;
    }
    return new TableReader(this.issues, this.key(name), value);
  }

  /** Reports every key of this table that nobody read. */
  finish(): void {
    const known = [...this.seen].sort().join(", ");
    for (const name of Object.keys(this.table)) {
      if (this.seen.has(name)) continue;
      this.issues.add(this.key(name), `unknown key; expected one of: ${known}`);
    }
  }
}
