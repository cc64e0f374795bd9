import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, errnoCode } from "../core/errors.js";

/**
 * Keeps two runners off one data folder (they would start every job twice):
 * `<dataDir>/runner.pid` holds the pid of the runner using it. A pid file
 * left by a runner that was killed names a process that is gone, and is
 * taken over.
 */
export function lockDataDir(dataDir: string): { release(): void } {
  const file = join(dataDir, "runner.pid");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, `${process.pid}\n`, { flag: "wx" });
      return { release: () => releaseIfOurs(file) };
    } catch (e) {
      if (errnoCode(e) !== "EEXIST") throw e;
    }
    const holder = Number(readFileSync(file, "utf8").trim());
    if (Number.isSafeInteger(holder) && holder > 0 && holder !== process.pid && isAlive(holder)) {
      throw new ConfigError(`another runner (pid ${holder}) is using ${dataDir}: expected one runner per data folder (stop it, or set AILAB_RUNNER_DIR)`, { dataDir, pid: holder });
    }
    rmSync(file, { force: true });
  }
  throw new ConfigError(`could not lock ${dataDir}: another runner keeps taking it`, { dataDir });
}

function releaseIfOurs(file: string): void {
  try {
    if (Number(readFileSync(file, "utf8").trim()) === process.pid) rmSync(file, { force: true });
  } catch {
    // Gone already: nothing to release.
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errnoCode(e) === "EPERM";
  }
}
