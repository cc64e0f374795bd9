import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { TestContext } from "node:test";
import { packageRoot } from "../../core/package-root.js";
import { tempDir } from "./temp-dir.js";

/** The query the fixture was taken with (test/fixtures/nvidia-smi/README.md); the fake answers only this. */
const QUERY = ["--query-gpu=index,uuid,name,memory.total,memory.used,memory.free,utilization.gpu,temperature.gpu", "--format=csv,noheader,nounits"];

/**
 * Two GPUs as `nvidia-smi` prints them for QUERY: the real H100 line from
 * the fixture, and an A100 (same driver's format, a made-up UUID, 1 GiB
 * used and 35 % busy) so that `gpu_type` has two types to choose from.
 */
export const FAKE_GPU_LINES = [
  readFileSync(join(packageRoot(), "test/fixtures/nvidia-smi/query-gpu.csv"), "utf8").trim(),
  "1, GPU-5c1b2a3d-0e4f-4a6b-8c7d-9e0f1a2b3c4d, NVIDIA A100-SXM4-80GB, 81920, 1024, 80896, 35, 41",
];

/**
 * Puts a fake `nvidia-smi` (a small shell script) in a fresh folder and
 * returns an environment with that folder first on PATH, so a runner started
 * with it finds these GPUs whether or not the machine has any (CI has none).
 * Any other arguments make it fail loudly.
 */
export async function fakeNvidiaSmi(t: TestContext, lines: readonly string[] = FAKE_GPU_LINES): Promise<NodeJS.ProcessEnv> {
  const dir = await tempDir(t, "ailab-fake-nvidia-smi-");
  const script = [
    "#!/bin/sh",
    `if [ "$#" -eq 2 ] && [ "$1" = "${QUERY[0]}" ] && [ "$2" = "${QUERY[1]}" ]; then`,
    "  cat <<'LINES'",
    ...lines,
    "LINES",
    "  exit 0",
    "fi",
    'echo "fake nvidia-smi: unexpected arguments: $*" >&2',
    "exit 2",
    "",
  ].join("\n");
  writeFileSync(join(dir, "nvidia-smi"), script, { mode: 0o755 });
  return { ...process.env, PATH: `${dir}:${process.env.PATH ?? "/usr/bin:/bin"}` };
}
