import { readPath, readPaths } from "./path-value.js";
import { BUILTIN_PLACEHOLDERS, placeholdersIn } from "./sweep.js";
import type { Task } from "./task.js";
import { describeValue, type IssueList, type TableReader } from "./toml-table-reader.js";

/**
 * Reads [run]: `command` (one string) or `commands` (an array), exactly one
 * of them; `workdir`, `results`, `logs`. `olderWorkdir` is `[files] workdir`
 * from the older spelling: the same setting, so two different values are an
 * issue.
 */
export function readRun(reader: TableReader | undefined, issues: IssueList, olderWorkdir: string | undefined): Task["run"] {
  const run: Task["run"] = { workdir: olderWorkdir ?? ".", commands: [], results: [], logs: [] };
  if (!reader) {
    issues.add("run.command", 'expected a [run] table with command = "…" or commands = ["…", …], but there is none');
    return run;
  }
  const workdir = readPath(reader, "workdir");
  if (workdir !== undefined && olderWorkdir !== undefined && workdir !== olderWorkdir) {
    issues.add(
      "run.workdir",
      `run.workdir and files.workdir are two spellings of one setting and disagree (${describeValue(workdir)} vs ${describeValue(olderWorkdir)}); keep one`,
    );
  }
  run.workdir = workdir ?? run.workdir;

  const command = reader.raw("command");
  const commands = reader.raw("commands");
  if (command !== undefined && commands !== undefined) {
    issues.add(reader.key("commands"), "expected either command or commands, not both");
  } else if (command !== undefined) {
    const one = commandValue(issues, command, reader.key("command"));
    if (one !== undefined) run.commands = [one];
  } else if (commands !== undefined) {
    run.commands = reader.array("commands", "a non-empty array of command strings", (v, key) => commandValue(issues, v, key)) ?? [];
    if (Array.isArray(commands) && commands.length === 0) {
      issues.add(reader.key("commands"), "expected a non-empty array of command strings, got an empty array");
    }
  } else {
    issues.add(reader.key("command"), 'expected command = "…" or commands = ["…", …], but neither is given');
  }
  run.results = readPaths(reader, "results") ?? [];
  run.logs = readPaths(reader, "logs") ?? [];
  reader.finish();
  return run;
}

function commandValue(issues: IssueList, value: unknown, key: string): string | undefined {
  if (typeof value !== "string" || value.trim() === "" || value.includes("\u0000")) {
    issues.add(key, `expected a non-empty shell command (a string without NUL), got ${describeValue(value)}`);
    return undefined;
  }
  return value;
}

/** Records an issue for each `{name}` in the commands that is neither a sweep name nor a built-in placeholder. */
export function checkPlaceholders(issues: IssueList, run: Task["run"], sweepNames: readonly string[], commandKey: string): void {
  const known = new Set<string>([...BUILTIN_PLACEHOLDERS, ...sweepNames]);
  run.commands.forEach((command, i) => {
    for (const name of placeholdersIn(command)) {
      if (known.has(name)) continue;
      const key = commandKey === "run.command" ? commandKey : `${commandKey}[${i}]`;
      issues.add(key, `unknown placeholder {${name}}; expected a [sweep] name or one of ${[...known].map((k) => `{${k}}`).join(", ")} (write \${${name}} for a shell variable)`);
    }
  });
}
