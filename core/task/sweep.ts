import type { Task } from "./task.js";

/** A sweep: parameter name → the values it takes. */
export type Sweep = NonNullable<Task["sweep"]>;

/**
 * Placeholders every command may use besides the sweep's own names:
 * `{task_id}` (the task id), `{task_name}` and `{sweep_index}` (0 without a sweep).
 */
export const BUILTIN_PLACEHOLDERS = ["task_id", "task_name", "sweep_index"] as const;

/** Sweep names and placeholders are identifiers. */
export const SWEEP_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Sweep string values are substituted into commands as they are, so they are
 * limited to characters that mean nothing to the shell, inside quotes or out.
 */
export const SWEEP_VALUE_PATTERN = /^[A-Za-z0-9._:=@,+/%-]{1,200}$/;

// `{name}`, but not `${name}` (a shell variable) — the shell's own syntax stays the shell's.
const PLACEHOLDER = /(?<!\$)\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** The placeholder names a command uses, in order of appearance. */
export function placeholdersIn(command: string): string[] {
  return [...command.matchAll(PLACEHOLDER)].map((m) => m[1]!);
}

/** Replaces each `{name}` of `values` in `command`; names not in `values` stay as written. */
export function expandPlaceholders(command: string, values: Record<string, string | number>): string {
  return command.replace(PLACEHOLDER, (whole, name: string) =>
    Object.hasOwn(values, name) ? String(values[name]) : whole,
  );
}

/**
 * Every run of a sweep, in a fixed order: parameter names sorted, the last
 * name varying fastest. Run `i` of this list is job-array index `i`. Without
 * a sweep there is one run with no values.
 *
 * @example sweepRuns({ lr: [0.1, 0.01], seed: [1, 2] })
 * // [{lr:0.1,seed:1}, {lr:0.1,seed:2}, {lr:0.01,seed:1}, {lr:0.01,seed:2}]
 */
export function sweepRuns(sweep: Sweep | undefined): Record<string, string | number>[] {
  let runs: Record<string, string | number>[] = [{}];
  for (const name of Object.keys(sweep ?? {}).sort()) {
    const values = sweep![name]!;
    runs = runs.flatMap((run) => values.map((v) => ({ ...run, [name]: v })));
  }
  return runs;
}
