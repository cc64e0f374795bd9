import { readFileSync } from "node:fs";
import { parse as parseToml, TomlError } from "smol-toml";
import { ConfigError } from "../core/errors.js";
import type { PerUserLimits } from "./user-limits.js";

/** The keys of a `[users.<name>]` table, and the limit each sets. */
const KEYS: Record<string, { limit: keyof PerUserLimits; hours: boolean }> = {
  gpu_hours: { limit: "gpuHoursPerPeriod", hours: true },
  max_jobs: { limit: "maxRunningJobsPerUser", hours: false },
  max_gpus: { limit: "maxGpusPerUser", hours: false },
};

/**
 * Reads the admin's file of limits for single users, which win over
 * everyone's (the flags) for that user:
 *
 *     [users.alice]
 *     gpu_hours = 40      # over --budget-period-hours
 *     max_jobs = 4
 *     max_gpus = 2
 *
 *     [users."new-student"]
 *     gpu_hours = 0.005
 *
 * Any other table or key is an error naming the file and the key, as are
 * values that are not numbers of the expected form.
 */
export function readUserLimitsFile(path: string, setting: string): Record<string, PerUserLimits> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new ConfigError(`${setting} ${JSON.stringify(path)} cannot be read: ${e instanceof Error ? e.message : String(e)}`, { setting });
  }
  return parseUserLimits(text, path);
}

/** The `[users.*]` tables of a user-limits file's text; `file` names it in errors. */
export function parseUserLimits(text: string, file: string): Record<string, PerUserLimits> {
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text);
  } catch (e) {
    if (e instanceof TomlError) throw new ConfigError(`${file}: not valid TOML: ${e.message.split("\n")[0]}`, { file });
    throw e;
  }
  const bad = (key: string, expected: string) => new ConfigError(`${file}: ${key} is not valid: expected ${expected}`, { file, key });
  for (const key of Object.keys(doc)) if (key !== "users") throw bad(key, "only [users.<name>] tables");
  const users = doc.users ?? {};
  if (!isTable(users)) throw bad("users", "[users.<name>] tables");
  // No prototype: a user may be called "__proto__".
  const out = Object.create(null) as Record<string, PerUserLimits>;
  for (const [user, table] of Object.entries(users)) {
    const where = `users.${JSON.stringify(user)}`;
    if (!isTable(table)) throw bad(where, "a table such as [users.alice] with gpu_hours, max_jobs or max_gpus");
    const limits: PerUserLimits = {};
    for (const [key, value] of Object.entries(table)) {
      const known = Object.hasOwn(KEYS, key) ? KEYS[key]! : undefined;
      if (known === undefined) throw bad(`${where}.${key}`, "gpu_hours, max_jobs or max_gpus");
      const ok = typeof value === "number" && Number.isFinite(value) && (known.hours ? value >= 0 : Number.isSafeInteger(value) && value >= 1);
      if (!ok) throw bad(`${where}.${key}`, known.hours ? "a number of GPU-hours such as 10 or 0.5" : "a whole number of at least 1");
      limits[known.limit] = value;
    }
    out[user] = limits;
  }
  return out;
}

function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);
}
