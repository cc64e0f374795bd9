import { posix } from "node:path";
import { readEitherPath } from "./path-value.js";
import { pathValue } from "./path-value.js";
import { TASK_LIMITS } from "./task-limits.js";
import type { Task } from "./task.js";
import { describeValue, dottedKey, isTable, type TableReader } from "./toml-table-reader.js";
import { isWheelFileName, WHEEL_FILE_NAME_EXPECTED } from "./wheel-file-name.js";

/** Environment variable names a task may set. */
export const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Prefixes the runner and Slurm own; a task may not set or shadow them. */
export const RESERVED_ENV_PREFIXES = ["AILAB_", "SLURM_"] as const;
// Variables the batch script sets to place the job in its uv environment.
// CUDA_VISIBLE_DEVICES is the runner's to set: on a GPU box it is how a job
// gets the GPUs it was handed, and a task setting it would take others'.
// BASH_ENV and ENV make every bash or sh the job starts (the batch script's
// own steps included) source a file first; LD_PRELOAD and LD_AUDIT load a
// library into every program. Each would run something before the batch
// script has set the job up. (LD_LIBRARY_PATH stays allowed: CUDA projects
// need it, and it only changes where libraries are found.)
const RESERVED_ENV_NAMES = new Set([
  "PATH",
  "VIRTUAL_ENV",
  "UV_PROJECT_ENVIRONMENT",
  "UV_NO_SYNC",
  "CUDA_VISIBLE_DEVICES",
  "BASH_ENV",
  "ENV",
  "LD_PRELOAD",
  "LD_AUDIT",
]);
const RESERVED_EXPECTED = `a name the runner does not set itself (not ${[...RESERVED_ENV_PREFIXES.map((p) => `${p}*`), ...RESERVED_ENV_NAMES].join(", ")})`;

export const DEFAULT_ENVIRONMENT: Task["environment"] = {
  pyproject: "pyproject.toml",
  lockfile: "uv.lock",
  extraWheels: [],
  env: {},
};

/** Reads [environment] in either spelling (`pyproject`/`pyproject_toml`, `lockfile`/`uv_lock`). */
export function readEnvironment(reader: TableReader | undefined): Task["environment"] {
  const out: Task["environment"] = { ...DEFAULT_ENVIRONMENT, extraWheels: [], env: {} };
  if (!reader) return out;
  out.pyproject = readEitherPath(reader, "pyproject", "pyproject_toml") ?? out.pyproject;
  out.lockfile = readEitherPath(reader, "lockfile", "uv_lock") ?? out.lockfile;
  out.extraWheels =
    reader.array("extra_wheels", "an array of wheel paths", (v, key) => {
      const path = pathValue(reader.issues, v, key);
      if (path !== undefined && !isWheelFileName(posix.basename(path))) {
        reader.issues.add(key, `expected ${WHEEL_FILE_NAME_EXPECTED}, got ${describeValue(v)}`);
        return undefined;
      }
      return path;
    }) ?? [];
  out.env = readEnv(reader);
  const label = reader.string("env_name", "a string (a label for the environment)");
  if (label !== undefined) out.label = label;
  reader.finish();
  return out;
}

function readEnv(reader: TableReader): Record<string, string> {
  const value = reader.raw("env");
  const env: Record<string, string> = {};
  if (value === undefined) return env;
  if (!isTable(value)) {
    reader.wrong(reader.key("env"), "a table of NAME = value", value);
    return env;
  }
  const count = Object.keys(value).length;
  if (count > TASK_LIMITS.envVariables) {
    reader.issues.add(reader.key("env"), `expected at most ${TASK_LIMITS.envVariables} variables, got ${count}`);
    return env;
  }
  for (const [name, v] of Object.entries(value)) {
    const key = dottedKey(reader.key("env"), name);
    if (!ENV_NAME_PATTERN.test(name)) {
      reader.issues.add(key, `expected a variable name of letters, digits and _ (not starting with a digit), got ${describeValue(name)}`);
    } else if (RESERVED_ENV_PREFIXES.some((p) => name.startsWith(p)) || RESERVED_ENV_NAMES.has(name)) {
      reader.issues.add(key, `expected ${RESERVED_EXPECTED}, got ${describeValue(name)}`);
    } else if (typeof v === "string" && !v.includes("\u0000")) {
      env[name] = v;
    } else if (typeof v === "number" || typeof v === "bigint" || typeof v === "boolean") {
      env[name] = String(v);
    } else {
      reader.wrong(key, "a string, number or boolean (without NUL)", v);
    }
  }
  return env;
}
