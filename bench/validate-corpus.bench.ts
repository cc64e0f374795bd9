// How long `ailab validate` takes to refuse each project of the bad-project
// corpus (test/helpers/bad-projects.ts). Run after a build:
//   node dist/bench/validate-corpus.bench.js
// and copy the table it prints into docs/performance.md. Each case runs the
// compiled CLI as a new process, as a user would; "check only" is
// checkProject in-process, the part the action runs on every push.
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { checkProject } from "../core/task/check-project.js";
import { folderProjectView } from "../core/task/folder-project-view.js";
import { BAD_PROJECTS, writeBadProject } from "../test/helpers/bad-projects.js";
import { binEnv, BINS, runBin } from "../test/helpers/cli-bins.js";

const dir = await mkdtemp(join(tmpdir(), "ailab-bench-"));
const bin: { name: string; ms: number }[] = [];
const check: { name: string; ms: number }[] = [];
try {
  for (const [i, project] of BAD_PROJECTS.entries()) {
    const projectDir = join(dir, `case-${i}`);
    await mkdir(projectDir);
    await writeBadProject(projectDir, project);
    let start = performance.now();
    const verdict = await checkProject(folderProjectView(projectDir), { branch: "ailab/bench" });
    check.push({ name: project.name, ms: performance.now() - start });
    start = performance.now();
    const result = await runBin(BINS.ailab, ["validate", projectDir], { cwd: dir, env: binEnv(dir) });
    bin.push({ name: project.name, ms: performance.now() - start });
    if (verdict.ok || result.exitCode !== 1) throw new Error(`${project.name} was not refused`);
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}

function summary(times: { name: string; ms: number }[]): string {
  const sorted = [...times].sort((a, b) => a.ms - b.ms);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  const worst = sorted[sorted.length - 1]!;
  return `median ${median.ms.toFixed(1)} ms, slowest ${worst.ms.toFixed(1)} ms (${worst.name})`;
}

console.log("| what | result |\n| --- | --- |");
console.log(`| \`ailab validate\` (a new process) on each of ${bin.length} bad projects | ${summary(bin)} |`);
console.log(`| checkProject alone (what a push runs) on each | ${summary(check)} |`);
