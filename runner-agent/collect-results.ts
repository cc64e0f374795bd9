import { lstat, mkdir, rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { errnoCode } from "../core/errors.js";
import type { Logger } from "../core/logger.js";
import type { Submit } from "../core/protocol/messages.js";
import { sweepRuns } from "../core/task/sweep.js";
import { formatBytes } from "../core/task/task-limits.js";
import type { CollectionLimits } from "./collection-limits.js";
import { collectFiles } from "./collect-files.js";
import { logCutMarker } from "./job-log.js";
import { runPaths, type JobPaths } from "./job-paths.js";
import { openInside, type OpenedEntry } from "./open-inside.js";
import { writeTarGz, type TarMember } from "./write-tar-gz.js";

/** What collecting left: the archives made, the lines for the end of the job's log, and why results were held back, if they were. */
export interface Collection {
  /** Paths of results.tar.gz and logs.tar.gz, where made, in the output folder. */
  archives: string[];
  /** `[ailab: …]` lines saying what was left out and why; also at the end of job.log in logs.tar.gz. */
  notes: string[];
  /** Set when the results were over a limit and none were uploaded: `results over the 2 GiB limit: 3.1 GiB; nothing uploaded`. */
  overLimit?: string;
}

/** Where one run left its files, and the prefix its files get in the archives (`3/` for run 3 of a sweep). */
interface RunPlace {
  prefix: string;
  projectDir: string;
  logFile: string;
}

/** A file to archive: its name in the archive, and how to open it (checked again at the open). */
interface Wanted {
  name: string;
  root: string;
  path: string;
  /** Runner-written logs are cut at the log limit and may get the notes after them. */
  log?: { notes: boolean };
}

/** Archiving stopped because the files grew past a limit after they were counted. */
class GrewPastLimit extends Error {}

/**
 * Archives what a finished job left, in the task's output folder:
 * results.tar.gz (the task's `run.results`) and logs.tar.gz (`run.logs`, plus
 * the job's own output as `job.log` and uv's as `build.log` when there is
 * one); uploadArtifacts sends them with run.json. A sweep's runs each have their files under their index
 * (`0/output/…`, `0/job.log`, `1/output/…`); the local executor's driver log
 * stays `job.log`. Every file is opened without following links and
 * checked on the opened fd (see openInside); what is refused is left out
 * with a note. Archives hold only regular files with mode 0644 or 0755
 * (see writeTarGz). Results (and, apart, declared logs) over the file-count
 * or size limit are not uploaded at all, and the note says so; the job's
 * log is cut at the log limit with a marker line. Running it again after a
 * crash makes the same archives.
 */
export async function collectResults(submit: Submit, paths: JobPaths, limits: CollectionLimits, log: Logger): Promise<Collection> {
  await rm(paths.outDir, { recursive: true, force: true });
  await mkdir(paths.outDir, { recursive: true, mode: 0o700 });
  const notes: string[] = [];
  const note = (line: string) => {
    notes.push(`[ailab: ${line}]`);
    log.warn("collection note", { note: line });
  };
  const sweep = submit.task.sweep !== undefined;
  const places: RunPlace[] = sweep
    ? sweepRuns(submit.task.sweep).map((_, index) => ({ prefix: `${index}/`, ...runPaths(paths, index) }))
    : [{ prefix: "", projectDir: paths.projectDir, logFile: paths.logFile }];
  const ran: RunPlace[] = [];
  for (const place of places) if (await exists(place.projectDir)) ran.push(place);
  const made: string[] = [];

  let overLimit: string | undefined;
  if (submit.task.run.results.length > 0) {
    const found = await declaredFiles(ran, submit, paths, submit.task.run.results, limits, "result", note);
    overLimit = found.over && `results ${found.over}; nothing uploaded`;
    if (overLimit) note(overLimit);
    const file = join(paths.outDir, "results.tar.gz");
    if (!overLimit && found.wanted.length > 0) {
      const written = await archive(file, found.wanted, limits, [], note);
      if (written === "grew") note((overLimit = `results grew past the ${formatBytes(limits.resultBytes)} limit while they were archived; nothing uploaded`));
      else if (written > 0) made.push(file);
    }
  }

  const logs: Wanted[] = [];
  if (submit.task.run.logs.length > 0) {
    const found = await declaredFiles(ran, submit, paths, submit.task.run.logs, limits, "log", note);
    if (found.over) note(`logs ${found.over}; none of run.logs uploaded`);
    else logs.push(...found.wanted);
  }
  const own: Wanted[] = [
    ...(sweep ? places.map((p) => ({ name: `${p.prefix}job.log`, root: paths.runnerDir, path: p.logFile, log: { notes: false } })) : []),
    { name: "job.log", root: paths.runnerDir, path: paths.logFile, log: { notes: true } },
    { name: "build.log", root: paths.runnerDir, path: paths.buildLogFile, log: { notes: false } },
  ];
  const ownNames = new Set(own.map((w) => w.name));
  for (const wanted of logs.filter((w) => ownNames.has(w.name))) note(`left out ${wanted.name} of run.logs: the runner's own log has that name`);
  // job.log goes last, so that its notes include what was left out of the archive before it.
  const members = [...logs.filter((w) => !ownNames.has(w.name)), ...own].sort((a, b) => (a.name === "job.log" ? 1 : b.name === "job.log" ? -1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const logsFile = join(paths.outDir, "logs.tar.gz");
  // Declared logs were counted against the limits; they cannot grow past them here, so "grew" only drops them.
  let written = await archive(logsFile, members, limits, notes, note);
  if (written === "grew") {
    note("logs grew past the limit while they were archived; only the runner's logs are uploaded");
    await rm(logsFile, { force: true });
    written = await archive(logsFile, own, limits, notes, note);
  }
  if (typeof written === "number" && written > 0) made.push(logsFile);

  return { archives: made, notes, ...(overLimit ? { overLimit } : {}) };
}

/**
 * The files under `declared` in every run that ran, named for the archive,
 * with their count and size checked against the limits (`over the 2 GiB
 * limit: 3.1 GiB`, `over the 10000-file limit`).
 */
async function declaredFiles(
  ran: readonly RunPlace[],
  submit: Submit,
  paths: JobPaths,
  declared: readonly string[],
  limits: CollectionLimits,
  what: string,
  note: (line: string) => void,
): Promise<{ wanted: Wanted[]; over?: string }> {
  const wanted: Wanted[] = [];
  let bytes = 0;
  for (const place of ran) {
    const workdir = resolve(place.projectDir, submit.task.run.workdir);
    const found = await collectFiles(workdir, place.projectDir, declared, { root: paths.jobDir, maxFiles: limits.resultFiles - wanted.length });
    for (const skipped of found.skipped) note(`left out ${what} ${place.prefix}${skipped.path}: ${skipped.reason}`);
    if (found.tooMany) return { wanted: [], over: `over the ${limits.resultFiles}-file limit` };
    for (const file of found.files) wanted.push({ name: `${place.prefix}${file.path}`, root: paths.jobDir, path: join(workdir, file.path) });
    bytes += found.bytes;
  }
  if (bytes > limits.resultBytes) return { wanted: [], over: `over the ${formatBytes(limits.resultBytes)} limit: ${formatBytes(bytes)}` };
  return { wanted };
}

/**
 * Writes `wanted` into a new archive, each file opened (and checked) just
 * before it is written; one that is refused now is left out with a note.
 * Files past the results' size limit, counted as they are opened, stop it
 * ("grew": the caller drops the archive). Returns how many files went in.
 */
async function archive(file: string, wanted: readonly Wanted[], limits: CollectionLimits, notes: readonly string[], note: (line: string) => void): Promise<number | "grew"> {
  let bytes = 0;
  async function* members(): AsyncGenerator<TarMember> {
    for (const want of wanted) {
      const opened = await openInside(want.root, want.path, "file");
      if (!opened.ok) {
        // The runner's logs need not all exist (build.log, a run that never started); a declared file that vanished since the walk is worth a note.
        if (opened.kind !== "missing" || !want.log) note(`left out ${want.name}: ${opened.reason}`);
        continue;
      }
      try {
        const member = want.log ? logMember(want.name, opened.entry, limits.logBytes, want.log.notes ? notes : []) : fileMember(want.name, opened.entry);
        if (!want.log && (bytes += member.size) > limits.resultBytes) throw new GrewPastLimit();
        yield member;
      } finally {
        await opened.entry.handle.close();
      }
    }
  }
  try {
    return await writeTarGz(file, members());
  } catch (e) {
    if (!(e instanceof GrewPastLimit)) throw e;
    await rm(file, { force: true });
    return "grew";
  }
}

function fileMember(name: string, entry: OpenedEntry): TarMember {
  return { name, mode: entry.stat.mode, mtime: entry.stat.mtime, size: entry.stat.size, data: () => readRange(entry, entry.stat.size) };
}

/** A log as archived: at most `maxBytes` of it, the cut marker when it is longer, then `notes`, one a line. */
function logMember(name: string, entry: OpenedEntry, maxBytes: number, notes: readonly string[]): TarMember {
  const kept = Math.min(entry.stat.size, maxBytes);
  const tail = Buffer.concat([entry.stat.size > maxBytes ? logCutMarker(maxBytes) : Buffer.alloc(0), Buffer.from(notes.map((n) => `${n}\n`).join(""))]);
  async function* data(): AsyncGenerator<Buffer> {
    yield* readRange(entry, kept);
    yield tail;
  }
  return { name, mode: 0o644, mtime: entry.stat.mtime, size: kept + tail.length, data };
}

const READ_BYTES = 1024 * 1024;

/** The first `size` bytes of an opened file, read through its fd; fewer when it shrank meanwhile. */
async function* readRange(entry: OpenedEntry, size: number): AsyncGenerator<Buffer> {
  for (let position = 0; position < size; ) {
    const buffer = Buffer.alloc(Math.min(READ_BYTES, size - position));
    const { bytesRead } = await entry.handle.read(buffer, 0, buffer.length, position);
    if (bytesRead === 0) return;
    yield buffer.subarray(0, bytesRead);
    position += bytesRead;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (e) {
    if (errnoCode(e) === "ENOENT") return false;
    throw e;
  }
}
