import { formatBytes, TASK_LIMITS } from "./task-limits.js";
import { dottedKey, isTable, type IssueList } from "./toml-table-reader.js";

/**
 * Walks a parsed task file once, before anything reads it, and records every
 * string longer than TASK_LIMITS.valueBytes and every array with more than
 * TASK_LIMITS.arrayItems items (keys of tables too: a key is text the user
 * wrote). Returns true when all is within the limits. The readers that come
 * after it may then quote, match and copy values without care for their size.
 */
export function checkTomlLimits(issues: IssueList, value: unknown, key = ""): boolean {
  const before = issues.items.length;
  walk(issues, value, key);
  return issues.items.length === before;
}

function walk(issues: IssueList, value: unknown, key: string): void {
  if (typeof value === "string") {
    const bytes = Buffer.byteLength(value);
    if (bytes > TASK_LIMITS.valueBytes) {
      issues.add(key, `expected a value of at most ${formatBytes(TASK_LIMITS.valueBytes)}, got one of ${formatBytes(bytes)}`);
    }
  } else if (Array.isArray(value)) {
    if (value.length > TASK_LIMITS.arrayItems) {
      issues.add(key, `expected at most ${TASK_LIMITS.arrayItems} items, got ${value.length}`);
      return;
    }
    value.forEach((item: unknown, i) => walk(issues, item, `${key}[${i}]`));
  } else if (isTable(value)) {
    for (const [name, item] of Object.entries(value)) {
      const itemKey = dottedKey(key, name);
      if (Buffer.byteLength(name) > TASK_LIMITS.valueBytes) {
        issues.add(itemKey, `expected a key of at most ${formatBytes(TASK_LIMITS.valueBytes)}, got one of ${formatBytes(Buffer.byteLength(name))}`);
        continue;
      }
      walk(issues, item, itemKey);
    }
  }
}
