import { constants } from "node:fs";
import { copyFile, mkdir, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { create as createTar } from "tar";
import { errnoCode } from "../core/errors.js";
import { sha256File } from "../core/hash.js";
import type { Logger } from "../core/logger.js";
import type { Artifact, RunCard } from "../core/protocol/messages.js";
import { relayKeys } from "../core/relay/layout.js";
import type { RelayStore } from "../core/relay/relay-store.js";
import type { Submit } from "../core/protocol/messages.js";
import { sweepRuns } from "../core/task/sweep.js";
import { collectFiles } from "./collect-files.js";
import { runPaths, type JobPaths } from "./job-paths.js";

/** Where one run left its files, and the prefix its files get in the archives (`3/` for run 3 of a sweep). */
interface RunPlace {
  prefix: string;
  projectDir: string;
  logFile: string;
}

/**
 * Archives what a finished job left and uploads it to `results/<task id>/`:
 * results.tar.gz (the task's `run.results`), logs.tar.gz (`run.logs`, plus
 * the job's own output as `job.log` and uv's as `build.log` when there is
 * one) and run.json. A sweep's runs each have their files under their index
 * (`0/output/…`, `0/job.log`, `1/output/…`); the local executor's driver log
 * stays `job.log`. Links are never followed (see `collectFiles`). Running
 * it again after a crash writes the same keys. Returns the artifacts for the
 * completion message.
 */
export async function collectResults(relay: RelayStore, submit: Submit, paths: JobPaths, runCard: RunCard, log: Logger): Promise<Artifact[]> {
  await rm(paths.outDir, { recursive: true, force: true });
  await mkdir(paths.outDir, { recursive: true });
  const made: string[] = [];
  const sweep = submit.task.sweep !== undefined;
  const places: RunPlace[] = sweep
    ? sweepRuns(submit.task.sweep).map((_, index) => ({ prefix: `${index}/`, ...runPaths(paths, index) }))
    : [{ prefix: "", projectDir: paths.projectDir, logFile: paths.logFile }];
  const ran: RunPlace[] = [];
  for (const place of places) if (await exists(place.projectDir)) ran.push(place);
  const workdirOf = (place: RunPlace) => resolve(place.projectDir, submit.task.run.workdir);

  if (submit.task.run.results.length > 0) {
    const staging = join(paths.outDir, "results");
    const members: string[] = [];
    for (const place of ran) {
      const results = await collectFiles(workdirOf(place), place.projectDir, submit.task.run.results);
      for (const skipped of results.skipped) log.warn("result left out", { path: `${place.prefix}${skipped.path}`, reason: skipped.reason });
      // One run's results are archived where they lie; a sweep's are copied under their index first.
      if (!sweep) members.push(...results.files);
      else for (const file of results.files) members.push(await stage(join(workdirOf(place), file), staging, `${place.prefix}${file}`));
    }
    const cwd = sweep ? staging : workdirOf(places[0]!);
    if (members.length > 0) made.push(await archive(join(paths.outDir, "results.tar.gz"), cwd, members));
  }

  const staging = join(paths.outDir, "logs");
  const staged: string[] = [];
  for (const place of ran) {
    if (submit.task.run.logs.length === 0) break;
    const logs = await collectFiles(workdirOf(place), place.projectDir, submit.task.run.logs);
    for (const skipped of logs.skipped) log.warn("log left out", { path: `${place.prefix}${skipped.path}`, reason: skipped.reason });
    for (const file of logs.files) staged.push(await stage(join(workdirOf(place), file), staging, `${place.prefix}${file}`));
  }
  const jobLogs: [string, string][] = [
    ...(sweep ? places.map((p): [string, string] => [p.logFile, `${p.prefix}job.log`]) : []),
    [paths.logFile, "job.log"],
    [paths.buildLogFile, "build.log"],
  ];
  for (const [file, name] of jobLogs) {
    if (await exists(file)) staged.push(await stage(file, staging, name));
  }
  if (staged.length > 0) made.push(await archive(join(paths.outDir, "logs.tar.gz"), staging, [...new Set(staged)].sort()));

  const runJson = join(paths.outDir, "run.json");
  await writeFile(runJson, JSON.stringify(runCard, null, 2) + "\n");
  made.push(runJson);

  const artifacts: Artifact[] = [];
  for (const file of made) {
    const name = file.slice(paths.outDir.length + 1);
    const key = relayKeys.result(submit.taskId, name);
    await relay.putFile(key, file);
    artifacts.push({ name, key, size: (await stat(file)).size, sha256: await sha256File(file) });
  }
  return artifacts;
}

/** A copy (not a link) of `from` at `staging/name`; returns `name`. */
async function stage(from: string, staging: string, name: string): Promise<string> {
  const to = join(staging, name);
  await mkdir(dirname(to), { recursive: true });
  await copyFile(from, to, constants.COPYFILE_FICLONE);
  return name;
}

async function archive(file: string, cwd: string, members: string[]): Promise<string> {
  await createTar({ gzip: true, portable: true, follow: false, noDirRecurse: true, cwd, file }, members);
  return file;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (e) {
    if (errnoCode(e) === "ENOENT") return false;
    throw e;
  }
}
