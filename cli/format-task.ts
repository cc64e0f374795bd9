import type { TaskView } from "../core/api/types.js";

/** One line for progress output: `<id> <state>: <description>`. */
export function taskLine(task: TaskView): string {
  const description = afterState(task.state, task.description);
  return `${task.id} ${task.state}${description ? `: ${description}` : ""}`;
}

/**
 * The description without the state it starts with: a commit status says
 * `error: no runner offers …` on its own, but after the state the CLI
 * prints before it, that would read `error: error: …`.
 */
export function afterState(state: string, description: string): string {
  if (description === state) return "";
  return description.startsWith(`${state}: `) ? description.slice(state.length + 2) : description;
}

/** What `ailab status` prints for one task: one `key: value` per line. */
export function formatTaskDetails(task: TaskView): string {
  const statusLine = afterState(task.forgeState, task.description);
  const rows: [string, string][] = [
    ["task", task.id],
    ["name", task.name],
    ["state", task.state],
    ["status", `${task.forgeState}${statusLine ? ` · ${statusLine}` : ""}`],
    ["repo", task.repo],
    ["branch", task.branch],
    ["commit", task.commit],
    ["created", task.createdAt],
    ["updated", task.updatedAt],
  ];
  if (task.exitCode !== null) rows.push(["exit code", String(task.exitCode)]);
  if (task.artifacts.length > 0) rows.push(["artifacts", task.artifacts.map((a) => `${a.name} (${formatBytes(a.size)})`).join(", ")]);
  rows.push(["url", task.targetUrl]);
  const width = Math.max(...rows.map(([key]) => key.length));
  const details = rows.map(([key, value]) => `${(key + ":").padEnd(width + 1)} ${value}`).join("\n") + "\n";
  return task.output ? `${details}${outputBlock(task.output)}` : details;
}

/** How much of a description a row of `ailab list` shows; `ailab status` shows all of it. */
export const LIST_DESCRIPTION_CHARS = 80;

/** What `ailab list` prints: a header and one row per task, columns aligned, each task on one line. */
export function formatTaskTable(tasks: readonly TaskView[]): string {
  const header = ["TASK", "STATE", "NAME", "REPO", "BRANCH", "COMMIT", "UPDATED", "DESCRIPTION"];
  const rows = tasks.map((t) => [t.id, t.state, t.name, t.repo, t.branch, t.commit.slice(0, 8), t.updatedAt, tableCell(afterState(t.state, t.description), LIST_DESCRIPTION_CHARS)].map((c) => tableCell(c)));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n") + "\n";
}

/** 1536 → "1.5 KiB". */
export function formatBytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${n} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** A failed job's last lines, under a heading and indented, as `ailab status` and `submit --wait` show them. */
export function outputBlock(output: string): string {
  const lines = output.split("\n").map((line) => `  ${line}`);
  return `output (last lines):\n${lines.join("\n")}\n`;
}

/**
 * A value as one cell of a table row: line breaks, tabs and other control
 * characters become single spaces (a multi-line description, an environment
 * build's uv output, must not break the row), then cut to `max` characters.
 */
function tableCell(value: string, max = Number.POSITIVE_INFINITY): string {
  // eslint-disable-next-line no-control-regex
  const flat = value.replace(/[\u0000-\u001f\u007f-\u009f]+/g, " ").replace(/ {2,}/g, " ").trim();
  const chars = [...flat];
  return chars.length > max ? `${chars.slice(0, max - 1).join("")}…` : flat;
}
