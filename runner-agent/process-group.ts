import { readdirSync, readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { errnoCode } from "../core/errors.js";

/**
 * Processes as Linux's /proc shows them: enough to tell a job's process from
 * a later one that got the same pid, and to stop a whole process group.
 */
interface ProcStat {
  state: string;
  pgrp: number;
  /** Field 22: clock ticks after boot when the process started. */
  startTime: string;
}

function readStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  // The command name (field 2) may hold spaces and parentheses: split after the last ")".
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  const [state, , pgrp] = fields;
  const startTime = fields[19];
  if (!state || !pgrp || !startTime) return undefined;
  return { state, pgrp: Number(pgrp), startTime };
}

/** When `pid` started (field 22 of /proc/<pid>/stat), or undefined when there is no such process. */
export function processStartTime(pid: number): string | undefined {
  return readStat(pid)?.startTime;
}

/**
 * The live process that leads its own group and runs exactly `argv` (as
 * /proc/<pid>/cmdline has it), if there is one.
 */
export function findGroupLeader(argv: readonly string[]): number | undefined {
  return allPids().find((pid) => {
    const stat = readStat(pid);
    if (stat === undefined || stat.pgrp !== pid || stat.state === "Z") return false;
    try {
      const running = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").slice(0, -1);
      return running.length === argv.length && running.every((arg, i) => arg === argv[i]);
    } catch {
      return false; // gone while we looked
    }
  });
}

/** True when `pid` runs and is the process that started at `startTime` (not a zombie). */
export function isSameProcessAlive(pid: number, startTime: string): boolean {
  const stat = readStat(pid);
  return stat !== undefined && stat.startTime === startTime && stat.state !== "Z";
}

/** Every pid /proc lists now. */
function allPids(): number[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}

/** The live (non-zombie) processes of process group `pgid`. */
export function groupMembers(pgid: number): number[] {
  return allPids().filter((pid) => {
    const stat = readStat(pid);
    return stat !== undefined && stat.pgrp === pgid && stat.state !== "Z";
  });
}

/**
 * Stops process group `pgid`: SIGTERM, then SIGKILL to whatever is left
 * after `graceMs`, then waits (up to a few seconds) until none is left.
 * A group that is already gone is not an error.
 */
export async function killGroup(pgid: number, graceMs: number): Promise<void> {
  signalGroup(pgid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (groupMembers(pgid).length > 0 && Date.now() < deadline) await sleep(50);
  if (groupMembers(pgid).length === 0) return;
  signalGroup(pgid, "SIGKILL");
  const killDeadline = Date.now() + 5000;
  while (groupMembers(pgid).length > 0 && Date.now() < killDeadline) await sleep(20);
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch (e) {
    if (errnoCode(e) !== "ESRCH") throw e;
  }
}
