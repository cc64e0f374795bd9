import { parse as parseToml, TomlError } from "smol-toml";
import { AilabError } from "../errors.js";
import { checkTomlLimits } from "./check-toml-limits.js";
import { readEnvironment } from "./read-environment.js";
import { readFilesSection } from "./read-files-section.js";
import { readResources } from "./read-resources.js";
import { checkPlaceholders, readRun } from "./read-run.js";
import { readSweep } from "./read-sweep.js";
import { SLURM_NAME_PATTERN } from "./slurm-forms.js";
import { formatBytes, TASK_LIMITS } from "./task-limits.js";
import { isTaskName, TASK_NAME_EXPECTED } from "./task-name.js";
import { Task } from "./task.js";
import { describeValue, isTable, IssueList, TableReader } from "./toml-table-reader.js";

export const TASK_FILE_NAMES = ["task.toml", "task_config.toml"] as const;

/** One problem in a task file: which file, which key (dotted), what was expected. */
export interface TaskFileIssue {
  file: string;
  key: string;
  message: string;
}

/** A task file that cannot be used; `issues` lists every problem found. code "TaskFileInvalid". */
export class TaskFileError extends AilabError {
  readonly issues: TaskFileIssue[];
  constructor(issues: TaskFileIssue[]) {
    super("TaskFileInvalid", issues.map((i) => `${i.file}: ${i.key}: ${i.message}`).join("\n"), { issues });
    this.issues = issues;
  }
}

/**
 * Parses task.toml text (either spelling) into a normalised Task.
 * `branch` is the pushed branch (e.g. `ailab/train`): the default task name.
 * Throws TaskFileError listing every problem, not just the first.
 *
 * @example parseTaskFile('[run]\ncommand = "python train.py"', { file: "task.toml", branch: "ailab/train" })
 */
export function parseTaskFile(text: string, options: { file: string; branch?: string }): Task {
  const issues = new IssueList(options.file);
  const bytes = Buffer.byteLength(text);
  if (bytes > TASK_LIMITS.fileBytes) {
    throw new TaskFileError([{ file: options.file, key: "(file)", message: tooBigMessage(bytes) }]);
  }
  let doc: Record<string, unknown>;
  try {
    // Integers as bigint: TOML tells `4` from `4.0` and `1e9`, and so must we.
    doc = parseToml(text, { integersAsBigInt: true, maxDepth: 32 });
  } catch (e) {
    if (!(e instanceof TomlError)) throw e;
    const where = typeof e.line === "number" ? `line ${e.line}: ` : "";
    const firstLine = e.message.split("\n")[0] ?? e.message;
    throw new TaskFileError([{ file: options.file, key: "(syntax)", message: `${where}${firstLine}` }]);
  }
  // Sizes first, so that no reader below meets a 10 MB string or a million items.
  if (!checkTomlLimits(issues, doc)) throw new TaskFileError(issues.items);
  const top = new TableReader(issues, "", doc);
  const taskTable = top.subTable("task");
  const resources = readResources(top.subTable("resources"));
  const environment = readEnvironment(top.subTable("environment"));
  const { files, workdir } = readFilesSection(top.subTable("files"));
  const runReader = top.subTable("run");
  const run = readRun(runReader, issues, workdir);
  const sweep = readSweep(top.subTable("sweep"));
  const commandKey = runReader?.table.command !== undefined ? "run.command" : "run.commands";
  // Every name written under [sweep] counts, even one whose values were wrong: that is reported once, there.
  const sweepNames = isTable(doc.sweep) ? Object.keys(doc.sweep) : [];
  checkPlaceholders(issues, run, sweepNames, commandKey);
  top.finish();
  checkJobTextSize(issues, run, environment, commandKey);

  const name = readName(taskTable, issues, options.branch);
  const description = taskTable?.string("description", "a string");
  const cluster = taskTable?.string("cluster", "a runner name of letters, digits, _ . -", SLURM_NAME_PATTERN);
  const supersede = taskTable?.boolean("supersede");
  taskTable?.finish();

  if (issues.items.length > 0) throw new TaskFileError(issues.items);
  const task: Task = { name: name!, resources, environment, files, run };
  if (description !== undefined) task.description = description;
  if (cluster !== undefined) task.cluster = cluster;
  if (supersede === false) task.supersede = false;
  if (sweep !== undefined && Object.keys(sweep).length > 0) task.sweep = sweep;
  // The checks above are stricter than the schema; this only guards against them drifting apart.
  return Task.parse(task);
}

/** [task] name, or the branch after `ailab/` with `/` turned into `-`. */
function readName(reader: TableReader | undefined, issues: IssueList, branch: string | undefined): string | undefined {
  const written = reader?.string("name", TASK_NAME_EXPECTED);
  if (written !== undefined && isTaskName(written)) return written;
  if (written !== undefined) reader!.wrong(reader!.key("name"), TASK_NAME_EXPECTED, written);
  if (reader?.table.name !== undefined) return undefined; // reported
  if (branch === undefined) {
    issues.add("task.name", "expected a task name: set [task] name (there is no branch to take it from)");
    return undefined;
  }
  const fromBranch = branch.replace(/^refs\/heads\//, "").replace(/^ailab\//, "").replaceAll("/", "-");
  if (isTaskName(fromBranch)) return fromBranch;
  issues.add(
    "task.name",
    `expected ${TASK_NAME_EXPECTED}; the branch gives ${describeValue(fromBranch)}, so set [task] name`,
  );
  return undefined;
}

/** The message for a task file over TASK_LIMITS.fileBytes; the CLI and the action say the same. */
export function tooBigMessage(bytes: number): string {
  return `expected a task file of at most ${formatBytes(TASK_LIMITS.fileBytes)} (${TASK_LIMITS.fileBytes} bytes), got ${bytes} bytes`;
}

/**
 * The commands and the env values all reach the job's processes (the env as
 * environment, the commands through the batch script); together they must
 * stay well under what execve accepts, or every program the job starts fails
 * with "Argument list too long". Reported under whichever of the two is larger.
 */
function checkJobTextSize(issues: IssueList, run: Task["run"], environment: Task["environment"], commandKey: string): void {
  const commands = run.commands.reduce((n, c) => n + Buffer.byteLength(c) + 1, 0);
  const env = Object.entries(environment.env).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v) + 2, 0);
  if (commands + env <= TASK_LIMITS.jobTextBytes) return;
  issues.add(
    env > commands ? "environment.env" : commandKey,
    `expected the commands and env values together to be at most ${formatBytes(TASK_LIMITS.jobTextBytes)} ` +
      `(more would not fit in what a job's programs can be started with), got ${formatBytes(commands)} of commands and ${formatBytes(env)} of env`,
  );
}
