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

/** The process group `pid` belongs to, or undefined when there is no such process. */
export function processGroupOf(pid: number): number | undefined {
  return readStat(pid)?.pgrp;
}

/** True when `pid` runs and is the process that started at `startTime` (not a zombie). */
export function isSameProcessAlive(pid: number, startTime: string): boolean {
  const stat = readStat(pid);
  return stat !== undefined && stat.startTime === startTime && stat.state !== "Z";
}

/** The live (non-zombie) processes of process group `pgid`. */
export function groupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(Number(name));
    if (stat && stat.pgrp === pgid && stat.state !== "Z") members.push(Number(name));
  }
  return members;
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
