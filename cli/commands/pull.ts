import { mkdir, mkdtemp, rename, rm, rmdir } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import type { Command } from "commander";
import { FINAL_STATES } from "../../core/api/types.js";
import type { CliContext } from "../cli-context.js";
import { TaskOutcomeError, UsageError } from "../cli-errors.js";
import { saveArtifact } from "../download-artifact.js";
import { extractArchive } from "../extract-archive.js";
import { openRelease } from "../forge-release.js";
import { formatBytes } from "../format-task.js";
import type { CommandDeps } from "../new-program.js";
import { requireLogin } from "../require-login.js";
import { resolveTask } from "../resolve-task.js";

export interface PullOptions {
  ref: string;
  /** Where to put the results; default `./results/<task id>/`. */
  output?: string;
}

/** `ailab pull TASK [-o DIR]`. */
export function registerPull(program: Command, deps: CommandDeps<PullOptions>): Command {
  const run = deps.run ?? runPull;
  return program
    .command("pull")
    .description("Download an ended task's results, logs and run.json (default into ./results/<task id>/)")
    .argument("<task>", "a task id, a commit or a branch")
    .option("-o, --output <dir>", "the folder to put them in")
    .action((ref: string, opts: { output?: string }) => run(deps.ctx, { ref, ...(opts.output !== undefined ? { output: opts.output } : {}) }));
}

const ARTIFACT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const ARCHIVE = /\.(tar\.gz|tgz)$/;

/**
 * Downloads every artifact of the task (progress on stderr) — from the
 * task's release on the forge when the server serves one, else (or for an
 * asset the release lacks) from the action's API — checks each
 * against the sha256 and size the server lists, extracts the archives
 * (results.tar.gz, logs.tar.gz) into the folder without links and without
 * leaving it, and puts the other files (run.json) beside them. Prints the
 * folder on stdout. A task that has not ended is exit 8.
 */
export async function runPull(ctx: CliContext, options: PullOptions): Promise<void> {
  const { login, api } = await requireLogin(ctx);
  const task = await resolveTask(ctx, api, login, options.ref);
  if (!FINAL_STATES.includes(task.state)) {
    throw new TaskOutcomeError("TaskPending", `task ${task.id} is still ${task.state}; pull it once it has ended (\`ailab submit --wait\` or \`ailab status ${task.id}\`)`, {
      taskId: task.id,
    });
  }
  const artifacts = await api.listArtifacts(task.id);
  for (const artifact of artifacts) {
    if (!ARTIFACT_NAME.test(artifact.name)) {
      throw new UsageError("BadArtifactName", `the server lists an artifact named ${JSON.stringify(artifact.name)}, which is not a plain file name`);
    }
  }
  const dir = resolve(ctx.cwd, options.output ?? join("results", task.id));
  const created = await mkdir(dir, { recursive: true });
  // Downloads land in a private folder inside DIR and move in only once checked.
  const staging = await mkdtemp(join(dir, ".ailab-download-"));
  try {
    const release = login.forge ? await openRelease(login.forge, login.token, task.repo, `ailab/${task.id}`) : undefined;
    for (const artifact of artifacts) {
      const fromRelease = await release?.(artifact.name);
      ctx.stderr.write(`downloading ${artifact.name} (${formatBytes(artifact.size)}) from ${fromRelease ? "the release" : "ailab"}…`);
      // Either way the bytes are checked against the size and sha256 the action lists.
      await saveArtifact(fromRelease ?? (await api.downloadArtifact(task.id, artifact.name)), artifact, join(staging, artifact.name));
      ctx.stderr.write(" ok\n");
    }
    for (const artifact of artifacts) {
      const file = join(staging, artifact.name);
      if (ARCHIVE.test(artifact.name)) {
        const written = await extractArchive(file, dir);
        ctx.stderr.write(`extracted ${artifact.name}: ${written.length} entries\n`);
      } else {
        await rename(file, join(dir, artifact.name));
      }
    }
  } catch (e) {
    await rm(staging, { recursive: true, force: true });
    // A folder this pull made and left empty goes too; anything else stays as it was.
    if (created !== undefined) await removeEmptyUpTo(dir, created);
    throw e;
  }
  await rm(staging, { recursive: true, force: true });
  const shown = relative(ctx.cwd, dir) || ".";
  ctx.stderr.write(`task ${task.id} (${task.state}): ${artifacts.length} artifacts in ${shown.startsWith("..") ? dir : shown}\n`);
  ctx.stdout.write(dir + "\n");
}

/** Removes `dir` and its parents up to `top` while they are empty. */
async function removeEmptyUpTo(dir: string, top: string): Promise<void> {
  for (let d = dir; ; d = dirname(d)) {
    try {
      await rmdir(d);
    } catch {
      return; // not empty, or already gone
    }
    if (d === top || dirname(d) === d) return;
  }
}
