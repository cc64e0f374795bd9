import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, errnoCode } from "./errors.js";

/** Which program holds a data folder, and what to tell a second copy of it. */
export interface DataDirOwner {
  /** The pid file's name: `runner.pid`, `action.pid`. */
  pidFile: string;
  /** How the message names the program: "runner", "ailab-action". */
  program: string;
  /** What a user can do about it, e.g. "set AILAB_RUNNER_DIR". */
  hint: string;
}

/**
 * Keeps two copies of one agent off one data folder: two runners would start
 * every job twice, two actions would make two tasks for one push and fight
 * over the notes and tags. `<dataDir>/<pidFile>` holds the pid of the agent
 * using it. A pid file left by one that was killed names a process that is
 * gone, and is taken over.
 */
export function lockDataDir(dataDir: string, owner: DataDirOwner): { release(): void } {
  const file = join(dataDir, owner.pidFile);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, `${process.pid}\n`, { flag: "wx" });
      return { release: () => releaseIfOurs(file) };
    } catch (e) {
      if (errnoCode(e) !== "EEXIST") throw e;
    }
    const holder = Number(readFileSync(file, "utf8").trim());
    if (Number.isSafeInteger(holder) && holder > 0 && holder !== process.pid && isAlive(holder)) {
      throw new ConfigError(`another ${owner.program} (pid ${holder}) is using ${dataDir}: expected one ${owner.program} per data folder (stop it, or ${owner.hint})`, { dataDir, pid: holder });
    }
    rmSync(file, { force: true });
  }
  throw new ConfigError(`could not lock ${dataDir}: another ${owner.program} keeps taking it`, { dataDir });
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
