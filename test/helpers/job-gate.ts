import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { TestContext } from "node:test";
import type { RunnerWorld } from "./runner-world.js";

/**
 * A job command that waits until the test opens the gate (see openJobGate).
 * It waits for `go` in its own project folder: a job runs in a sandbox that
 * shows it nothing of the test's folders.
 */
export const WAIT_FOR_GATE = "while [ ! -e go ]; do sleep 0.05; done";

/**
 * Lets every job of `world` that waits with WAIT_FOR_GATE go on: writes `go`
 * into each job's project folder, now and, until the test ends, into those
 * laid out later (a queued job starts after the gate opened).
 */
export function openJobGate(t: TestContext, world: RunnerWorld): void {
  const jobs = join(world.dataDir, "jobs");
  const open = () => {
    if (!existsSync(jobs)) return;
    for (const id of readdirSync(jobs)) {
      const project = join(jobs, id, "project");
      try {
        if (existsSync(project) && !existsSync(join(project, "go"))) writeFileSync(join(project, "go"), "");
      } catch {
        // the folder went (the task ended) or is being laid out again: the next round writes it
      }
    }
  };
  open();
  const timer = setInterval(open, 50);
  t.after(() => clearInterval(timer));
}
