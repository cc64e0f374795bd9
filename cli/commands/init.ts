import { access, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { errnoCode } from "../../core/errors.js";
import { TASK_FILE_NAMES } from "../../core/task/parse-task-file.js";
import { STARTER_AILABIGNORE, starterTaskToml } from "../../core/task/starter-files.js";
import { addGitignoreEntries } from "../add-gitignore-entries.js";
import type { CliContext } from "../cli-context.js";
import { UsageError } from "../cli-errors.js";
import type { CommandDeps } from "../new-program.js";

export interface InitOptions {
  dir: string;
  force: boolean;
}

/** `ailab init [--force] [DIR]`. */
export function registerInit(program: Command, deps: CommandDeps<InitOptions>): Command {
  const run = deps.run ?? runInit;
  return program
    .command("init")
    .description("Write a commented task.toml and an .ailabignore to start from, and add results/ to .gitignore")
    .argument("[dir]", "the project folder", ".")
    .option("--force", "overwrite files that already exist")
    .action((dir: string, opts: { force?: boolean }) => run(deps.ctx, { dir, force: opts.force === true }));
}

/**
 * Writes task.toml and .ailabignore from core's starter texts. A file that
 * exists is kept (and named) unless `force`; if every file exists and
 * nothing was written, that is an error (exit 1). `.gitignore` is never
 * replaced: `results/` (where `ailab pull` puts results) is added to it, or
 * it is made, so that `git add -A` does not commit pulled results.
 */
export async function runInit(ctx: CliContext, options: InitOptions): Promise<void> {
  const dir = resolve(ctx.cwd, options.dir);
  const files: [string, string][] = [
    ["task.toml", starterTaskToml({ command: await guessCommand(dir) })],
    [".ailabignore", STARTER_AILABIGNORE],
  ];
  const kept: string[] = [];
  // A project that already has the other spelling's file needs no task.toml beside it.
  const other = await existingOtherTaskFile(dir);
  for (const [name, text] of files) {
    if (name === "task.toml" && other && !options.force) {
      kept.push(other);
      continue;
    }
    try {
      await writeFile(join(dir, name), text, { flag: options.force ? "w" : "wx" });
      ctx.stderr.write(`wrote ${name}\n`);
    } catch (e) {
      if (errnoCode(e) === "EEXIST") kept.push(name);
      else if (errnoCode(e) === "ENOENT") throw new UsageError("NoSuchFolder", `${dir} does not exist`, { dir });
      else throw e;
    }
  }
  const ignored = await ignorePulledResults(dir);
  if (ignored) ctx.stderr.write(ignored);
  if (kept.length === files.length && !ignored) {
    throw new UsageError("AlreadyInitialised", `${kept.join(" and ")} already exist in ${dir}; use --force to overwrite`, { dir });
  }
  for (const name of kept) ctx.stderr.write(`kept the existing ${name} (--force overwrites it)\n`);
  ctx.stderr.write("next: edit task.toml, run `ailab validate`, commit, then `ailab submit --wait`\n");
}

/** Where `ailab pull` puts results by default (see pull.ts). */
const GITIGNORE_ENTRIES = ["results/"];

/** Adds GITIGNORE_ENTRIES to `<dir>/.gitignore` (made if absent); returns what to tell the user, "" when it had them. */
async function ignorePulledResults(dir: string): Promise<string> {
  const path = join(dir, ".gitignore");
  let existing: string | undefined;
  try {
    existing = await readFile(path, "utf8");
  } catch (e) {
    if (errnoCode(e) !== "ENOENT") throw e;
  }
  const text = addGitignoreEntries(existing, GITIGNORE_ENTRIES, "# ailab pull puts task results here");
  if (text === undefined) return "";
  await writeFile(path, text);
  return `${existing === undefined ? "wrote" : "added results/ to"} .gitignore\n`;
}

async function existingOtherTaskFile(dir: string): Promise<string | undefined> {
  for (const name of TASK_FILE_NAMES) {
    if (name === "task.toml") continue;
    try {
      await access(join(dir, name));
      return name;
    } catch {
      // absent: fine
    }
  }
  return undefined;
}

/** `python train.py` or `python main.py` when the project has one, else the starter's default. */
async function guessCommand(dir: string): Promise<string> {
  for (const script of ["train.py", "main.py"]) {
    try {
      await access(join(dir, script));
      return `python ${script}`;
    } catch {
      // not this one
    }
  }
  return "python main.py";
}
