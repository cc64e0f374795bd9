// Benchmarks for the hot paths of a push and a poll cycle. Run after a build:
//   node dist/bench/relay-and-parsers.bench.js
// and copy the table it prints into docs/performance.md.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { DirRelayStore } from "../core/relay/dir-store.js";
import { publishSnapshot, type SnapshotFile } from "../core/snapshot/publish-snapshot.js";
import { parseSqueue } from "../runner-agent/slurm/squeue.js";

const FILES = 2000;
const FILE_BYTES = 4096;

function project(version: number): SnapshotFile[] {
  return Array.from({ length: FILES }, (_, i) => {
    const text = `${i === 0 ? version : 0}:${i}:`.padEnd(FILE_BYTES, "x");
    return { path: `src/module_${i}.py`, mode: "file" as const, read: () => Promise.resolve(Buffer.from(text)) };
  });
}

async function timed<T>(fn: () => Promise<T> | T): Promise<[T, number]> {
  const start = performance.now();
  const value = await fn();
  return [value, performance.now() - start];
}

const rows: [string, string][] = [];
const dir = await mkdtemp(join(tmpdir(), "ailab-bench-"));
try {
  const store = new DirRelayStore(dir);
  const [first, firstMs] = await timed(() => publishSnapshot(store, project(1)));
  rows.push([`first push, ${FILES} files of ${FILE_BYTES / 1024} KiB (dir relay)`, `${firstMs.toFixed(0)} ms, ${first.uploaded} objects written`]);
  const [second, secondMs] = await timed(() => publishSnapshot(store, project(2)));
  rows.push([`second push, one file changed`, `${secondMs.toFixed(0)} ms, ${second.uploaded} object written`]);
} finally {
  await rm(dir, { recursive: true, force: true });
}

const lines = Array.from({ length: 10_000 }, (_, i) =>
  `${1000 + i}|${1000 + i}|N/A|ailab-${i}|${i % 3 ? "PENDING" : "RUNNING"}|Resources|node${i % 8}|N/A|N/A|${4294901759 - i}|gpu`,
).join("\n");
const [parsed, parseMs] = await timed(() => parseSqueue(lines));
rows.push([`parse one squeue answer of ${parsed.length} jobs`, `${parseMs.toFixed(1)} ms`]);

console.log("| what | result |\n| --- | --- |");
for (const [what, result] of rows) console.log(`| ${what} | ${result} |`);
