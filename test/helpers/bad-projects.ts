import { mkdir, rm, symlink, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { sampleProject } from "./action-git.js";

/** A file of a corpus project: text, raw bytes, a symlink to `link`, or `null` to leave the base's file out. */
export type CorpusFile = string | Uint8Array | { link: string } | null;

/** One bad project: what it is, its files (over the sample project), and the issue it must get. */
export interface BadProject {
  name: string;
  files: Record<string, CorpusFile>;
  /** The file and key the first issue must name. */
  file: string;
  key: string;
  /** What the message must say, when a case is about the words. */
  message?: RegExp;
}

const RUN = '[run]\ncommand = "python train.py"\n';
const BASE_PYPROJECT = sampleProject()["pyproject.toml"]!;
const BASE_LOCK = sampleProject()["uv.lock"]!;
const big = (bytes: number, c = "x") => c.repeat(bytes);

/** A project whose task.toml is `toml`. */
const task = (toml: string, more: Record<string, CorpusFile> = {}): Record<string, CorpusFile> => ({ "task.toml": toml, ...more });
/** A task.toml with `section` before a valid [run]. */
const withRun = (section: string, more: Record<string, CorpusFile> = {}) => task(`${section}\n${RUN}`, more);

type Row = [name: string, files: Record<string, CorpusFile>, file: string, key: string, message?: RegExp];

const layout: Row[] = [
  ["no task file", { "task.toml": null }, "task.toml", "(file)", /task\.toml or task_config\.toml/],
  ["both task.toml and task_config.toml", { "task_config.toml": RUN }, "task.toml", "(file)", /both task\.toml and task_config\.toml/],
  ["a folder named task.toml", { "task.toml": null, "task.toml/README": "x" }, "task.toml", "(file)", /folder named task\.toml/],
  ["a folder named task_config.toml", { "task.toml": null, "task_config.toml/x": "x" }, "task_config.toml", "(file)", /folder/],
  ["task.toml is a symlink", { "task.toml": { link: "train.py" } }, "task.toml", "(file)", /symlink/],
  ["task.toml links out of the project", { "task.toml": { link: "/etc/hostname" } }, "task.toml", "(file)", /symlink/],
  ["no uv.lock", { "uv.lock": null }, "task.toml", "environment.lockfile", /"uv\.lock" is not in the project.*uv lock|uv lock.*"uv\.lock" is not in the project/],
  ["no pyproject.toml", { "pyproject.toml": null }, "task.toml", "environment.pyproject", /uv init/],
  ["pyproject.toml is a folder", { "pyproject.toml": null, "pyproject.toml/x": "x" }, "task.toml", "environment.pyproject", /folder/],
  ["uv.lock is a symlink", { "uv.lock": { link: "/tmp/uv.lock" } }, "task.toml", "environment.lockfile", /symlink/],
  ["lockfile in a folder that is not there", withRun('[environment]\nlockfile = "locks/uv.lock"'), "task.toml", "environment.lockfile"],
  ["pyproject through a symlinked folder", withRun('[environment]\npyproject = "env/pyproject.toml"', { env: { link: "/" } }), "task.toml", "environment.pyproject", /through the symlink "env"/],
  ["wheel not committed", withRun('[environment]\nextra_wheels = ["dist/op-0.1-py3-none-any.whl"]'), "task.toml", "environment.extra_wheels[0]"],
  ["wheel through a symlinked folder", withRun('[environment]\nextra_wheels = ["dist/op-0.1-py3-none-any.whl"]', { dist: { link: "/tmp" } }), "task.toml", "environment.extra_wheels[0]", /symlink/],
  ["wheel is a symlink", withRun('[environment]\nextra_wheels = ["op-0.1-py3-none-any.whl"]', { "op-0.1-py3-none-any.whl": { link: "train.py" } }), "task.toml", "environment.extra_wheels[0]", /symlink/],
  ["workdir not there", task('[run]\ncommand = "python train.py"\nworkdir = "src"\n'), "task.toml", "run.workdir"],
  ["workdir is a file", task('[run]\ncommand = "python train.py"\nworkdir = "train.py"\n'), "task.toml", "run.workdir", /got a file/],
  ["workdir is a symlink out", task('[run]\ncommand = "python train.py"\nworkdir = "src"\n', { src: { link: "/" } }), "task.toml", "run.workdir", /symlink/],
  ["workdir below a symlink", task('[run]\ncommand = "python train.py"\nworkdir = "src/etc"\n', { src: { link: "/" } }), "task.toml", "run.workdir", /through the symlink "src"/],
  ["upload source not there", withRun('[files]\nupload = [{ local = "data", remote = "data" }]'), "task.toml", "files.upload[0].local"],
  ["upload source a symlink", withRun('[files]\nupload = [{ local = "data", remote = "data" }]', { data: { link: "/var" } }), "task.toml", "files.upload[0].local", /symlink/],
  ["older spelling, uv_lock not there", task(`[environment]\nuv_lock = "./locks/uv.lock"\n[run]\ncommands = ["python train.py"]\n`, { "task.toml": null, "task_config.toml": `[environment]\nuv_lock = "./locks/uv.lock"\n[run]\ncommands = ["python train.py"]\n` }), "task_config.toml", "environment.lockfile"],
  ["older spelling, workdir not there", { "task.toml": null, "task_config.toml": '[files]\nworkdir = "./src"\n[run]\ncommands = ["python train.py"]\n' }, "task_config.toml", "run.workdir"],
];

const lock = (body: string) => `version = 1\nrevision = 5\nrequires-python = ">=3.10"\n\n${body}`;
const TINY = '[[package]]\nname = "tiny"\nversion = "0.1.0"\nsource = { virtual = "." }\n';
const pyproject = (deps: string, more = "") => `[project]\nname = "tiny"\nversion = "0.1.0"\nrequires-python = ">=3.10"\ndependencies = [${deps}]\n${more}`;

const lockfile: Row[] = [
  ["an empty lock", { "uv.lock": "version = 1\nrequires-python = \">=3.10\"\n" }, "uv.lock", "package", /locks no packages.*uv lock/],
  ["a zero-byte lock", { "uv.lock": "" }, "uv.lock", "package", /uv lock/],
  ["a Poetry-only project", { "pyproject.toml": '[tool.poetry]\nname = "tiny"\nversion = "0.1.0"\n\n[tool.poetry.dependencies]\npython = "^3.10"\n', "uv.lock": "version = 1\n" }, "uv.lock", "package", /no \[project\] table.*uv lock/],
  ["a lock of another project", { "uv.lock": lock(TINY.replace('"tiny"', '"other"')) }, "uv.lock", "package", /"tiny".*uv lock/],
  ["a dependency added since the lock", { "pyproject.toml": pyproject('"numpy>=1.24"') }, "uv.lock", "package.metadata.requires-dist", /adds numpy.*uv lock/],
  ["a dependency dropped since the lock", { "uv.lock": lock(`${TINY}\n[package.metadata]\nrequires-dist = [{ name = "numpy", specifier = ">=1.24" }]\n`) }, "uv.lock", "package.metadata.requires-dist", /drops numpy/],
  ["a dependency renamed since the lock", { "pyproject.toml": pyproject('"torch"'), "uv.lock": lock(`${TINY}\n[package.metadata]\nrequires-dist = [{ name = "numpy" }]\n`) }, "uv.lock", "package.metadata.requires-dist", /adds torch and drops numpy/],
  ["an optional dependency added since the lock", { "pyproject.toml": pyproject("", '\n[project.optional-dependencies]\nplot = ["matplotlib"]\n') }, "uv.lock", "package.metadata.requires-dist", /matplotlib/],
  ["requires-python changed since the lock", { "pyproject.toml": BASE_PYPROJECT.replace(">=3.10", ">=3.11") }, "uv.lock", "requires-python", /">=3\.11".*">=3\.10".*uv lock/],
  ["a lock that is not TOML", { "uv.lock": "this is = not a lock [\n" }, "uv.lock", "(syntax)", /uv lock/],
  ["a pyproject that is not TOML", { "pyproject.toml": "[project\nname = 1\n" }, "pyproject.toml", "(syntax)"],
  ["a pyproject without a name", { "pyproject.toml": '[project]\nversion = "0.1.0"\n' }, "pyproject.toml", "project.name"],
  ["a lock in Latin-1", { "uv.lock": Buffer.concat([Buffer.from(BASE_LOCK), Buffer.from([0x23, 0xe9, 0x0a])]) }, "uv.lock", "(file)", /UTF-8/],
  ["a pyproject in Latin-1", { "pyproject.toml": Buffer.concat([Buffer.from(BASE_PYPROJECT), Buffer.from([0x23, 0xe9, 0x0a])]) }, "pyproject.toml", "(file)", /UTF-8/],
  ["a stale lock at a custom path", withRun('[environment]\nlockfile = "env/uv.lock"', { "env/uv.lock": lock(TINY.replace('"tiny"', '"old-name"')) }), "env/uv.lock", "package"],
];

const utf16 = (text: string, be = false): Uint8Array => {
  const le = Buffer.from("\ufeff" + text, "utf16le");
  if (!be) return le;
  const out = Buffer.alloc(le.length);
  for (let i = 0; i + 1 < le.length; i += 2) { out[i] = le[i + 1]!; out[i + 1] = le[i]!; }
  return out;
};

const encoding: Row[] = [
  ["UTF-16 LE with a BOM", { "task.toml": utf16(RUN) }, "task.toml", "(file)", /UTF-16/],
  ["UTF-16 BE with a BOM", { "task.toml": utf16(RUN, true) }, "task.toml", "(file)", /UTF-16/],
  ["an 0xFF byte", { "task.toml": Buffer.concat([Buffer.from(RUN), Buffer.from([0xff])]) }, "task.toml", "(file)", /not UTF-8.*line 3/],
  ["Latin-1 é in a comment", { "task.toml": Buffer.concat([Buffer.from("# caf"), Buffer.from([0xe9]), Buffer.from("\n" + RUN)]) }, "task.toml", "(file)", /not UTF-8.*line 1/],
  ["a cut multi-byte character", { "task.toml": Buffer.concat([Buffer.from(RUN + "# "), Buffer.from([0xe2, 0x82])]) }, "task.toml", "(file)", /not UTF-8/],
  ["a stray continuation byte", { "task.toml": Buffer.concat([Buffer.from("# "), Buffer.from([0x80]), Buffer.from("\n" + RUN)]) }, "task.toml", "(file)", /not UTF-8/],
  ["a task file over 1 MiB", { "task.toml": RUN + `# ${big(1024 * 1024)}\n` }, "task.toml", "(file)", /at most 1 MiB/],
  ["a NUL byte", { "task.toml": RUN + "# a\u0000b\n" }, "task.toml", "(syntax)"],
];

const syntax: Row[] = [
  ["an unclosed table header", task(`[run\ncommand = "x"\n`), "task.toml", "(syntax)", /line 1/],
  ["a key twice", task(`[run]\ncommand = "a"\ncommand = "b"\n`), "task.toml", "(syntax)"],
  ["a table twice", task(`${RUN}[run]\nlogs = []\n`), "task.toml", "(syntax)"],
  ["an unclosed string", task(`[run]\ncommand = "python train.py\n`), "task.toml", "(syntax)"],
  ["a key without a value", task(`[run]\ncommand\n`), "task.toml", "(syntax)"],
  ["a bad escape", task(`[run]\ncommand = "a\\qb"\n`), "task.toml", "(syntax)"],
  ["a value without a key", task(`= 1\n${RUN}`), "task.toml", "(syntax)"],
  ["arrays nested 100 deep", task(`x = ${"[".repeat(100)}${"]".repeat(100)}\n${RUN}`), "task.toml", "(syntax)"],
  ["a bare word as a value", task(`[run]\ncommand = python\n`), "task.toml", "(syntax)"],
];

const resources: Row[] = [
  ["gpus = 1e9", withRun("[resources]\ngpus = 1e9"), "task.toml", "resources.gpus", /whole number.*float/],
  ["gpus = 4.0", withRun("[resources]\ngpus = 4.0"), "task.toml", "resources.gpus", /float/],
  ["cpus = 4.0", withRun("[resources]\ncpus = 4.0"), "task.toml", "resources.cpus", /float/],
  ["cpus = 1e3", withRun("[resources]\ncpus = 1e3"), "task.toml", "resources.cpus"],
  ["cpus = 1.5", withRun("[resources]\ncpus = 1.5"), "task.toml", "resources.cpus", /1\.5/],
  ["gpus = 65", withRun("[resources]\ngpus = 65"), "task.toml", "resources.gpus", /0 to 64/],
  ["gpus = 1_000_000", withRun("[resources]\ngpus = 1_000_000"), "task.toml", "resources.gpus", /0 to 64/],
  ["gpus = 2^70", withRun("[resources]\ngpus = 1180591620717411303424"), "task.toml", "resources.gpus", /0 to 64/],
  ["cpus = 100000", withRun("[resources]\ncpus = 100000"), "task.toml", "resources.cpus", /1 to 1024/],
  ["gpus = -1", withRun("[resources]\ngpus = -1"), "task.toml", "resources.gpus", /-1/],
  ['gpus = "1"', withRun('[resources]\ngpus = "1"'), "task.toml", "resources.gpus", /"1"/],
  ["gpus = true", withRun("[resources]\ngpus = true"), "task.toml", "resources.gpus"],
  ["gpus = inf", withRun("[resources]\ngpus = inf"), "task.toml", "resources.gpus"],
  ["gpus = nan", withRun("[resources]\ngpus = nan"), "task.toml", "resources.gpus"],
  ["cpus = 0", withRun("[resources]\ncpus = 0"), "task.toml", "resources.cpus"],
  ['memory = "32 GB"', withRun('[resources]\nmemory = "32 GB"'), "task.toml", "resources.memory", /"32 GB"/],
  ['memory = "0"', withRun('[resources]\nmemory = "0"'), "task.toml", "resources.memory"],
  ['memory = "17T"', withRun('[resources]\nmemory = "17T"'), "task.toml", "resources.memory", /at most 16T/],
  ['memory = "999999999T"', withRun('[resources]\nmemory = "999999999T"'), "task.toml", "resources.memory"],
  ["memory = 1.5", withRun("[resources]\nmemory = 1.5"), "task.toml", "resources.memory"],
  ["memory = 4096.0", withRun("[resources]\nmemory = 4096.0"), "task.toml", "resources.memory", /float/],
  ['time_limit = "4h"', withRun('[resources]\ntime_limit = "4h"'), "task.toml", "resources.time_limit", /"4h"/],
  ['time_limit = "0:00:00"', withRun('[resources]\ntime_limit = "0:00:00"'), "task.toml", "resources.time_limit", /not zero/],
  ['time_limit = "400-00:00:00"', withRun('[resources]\ntime_limit = "400-00:00:00"'), "task.toml", "resources.time_limit", /at most 365/],
  ["time_limit = 90.0", withRun("[resources]\ntime_limit = 90.0"), "task.toml", "resources.time_limit"],
  ["time_limit = -5", withRun("[resources]\ntime_limit = -5"), "task.toml", "resources.time_limit"],
  ["time_limit = 999999999", withRun("[resources]\ntime_limit = 999999999"), "task.toml", "resources.time_limit"],
  ['gpu_type = "a100 --x"', withRun('[resources]\ngpu_type = "a100 --x"'), "task.toml", "resources.gpu_type"],
  ["a 1000-character partition", withRun(`[resources]\npartition = "${big(1000, "p")}"`), "task.toml", "resources.partition", /"p{60}"… \(1000 characters\)$/],
  ["a 100 KB partition", withRun(`[resources]\npartition = "${big(100_000, "p")}"`), "task.toml", "resources.partition", /at most 64 KiB/],
  ['partition = ""', withRun('[resources]\npartition = ""'), "task.toml", "resources.partition"],
  ["resources.gpu (a typo)", withRun("[resources]\ngpu = 1"), "task.toml", "resources.gpu", /unknown key/],
  ["resources = 3", task(`resources = 3\n${RUN}`), "task.toml", "resources", /a table/],
  ["gpus as a date", withRun("[resources]\ngpus = 1979-05-27"), "task.toml", "resources.gpus", /date/],
];

const taskTable: Row[] = [
  ['name = "resnet..v2"', withRun('[task]\nname = "resnet..v2"'), "task.toml", "task.name", /"resnet\.\.v2"/],
  ['name = "weights.lock"', withRun('[task]\nname = "weights.lock"'), "task.toml", "task.name", /\.lock/],
  ['name = "run."', withRun('[task]\nname = "run."'), "task.toml", "task.name"],
  ['name = "has space"', withRun('[task]\nname = "has space"'), "task.toml", "task.name"],
  ['name = "-lead"', withRun('[task]\nname = "-lead"'), "task.toml", "task.name"],
  ['name = ".hidden"', withRun('[task]\nname = ".hidden"'), "task.toml", "task.name"],
  ["a 65-character name", withRun(`[task]\nname = "${big(65, "n")}"`), "task.toml", "task.name"],
  ['name = ""', withRun('[task]\nname = ""'), "task.toml", "task.name"],
  ['name = "ré"', withRun('[task]\nname = "ré"'), "task.toml", "task.name"],
  ['name = "a/b"', withRun('[task]\nname = "a/b"'), "task.toml", "task.name"],
  ['name = "a@{b"', withRun('[task]\nname = "a@{b"'), "task.toml", "task.name"],
  ["name = 3", withRun("[task]\nname = 3"), "task.toml", "task.name"],
  ["description = 3", withRun("[task]\ndescription = 3"), "task.toml", "task.description"],
  ["a 100 KB description", withRun(`[task]\ndescription = "${big(100_000, "d")}"`), "task.toml", "task.description", /at most 64 KiB/],
  ['cluster = "a;b"', withRun('[task]\ncluster = "a;b"'), "task.toml", "task.cluster"],
  ['supersede = "no"', withRun('[task]\nsupersede = "no"'), "task.toml", "task.supersede"],
  ["task.nmae (a typo)", withRun('[task]\nnmae = "x"'), "task.toml", "task.nmae", /unknown key/],
  ["task = []", task(`task = []\n${RUN}`), "task.toml", "task", /a table/],
];

const envTable = (name: string, value = '"x"') => withRun(`[environment]\nenv = { ${name} = ${value} }`);

const environment: Row[] = [
  ...["BASH_ENV", "ENV", "LD_PRELOAD", "LD_AUDIT", "PATH", "VIRTUAL_ENV", "UV_PROJECT_ENVIRONMENT", "UV_NO_SYNC", "CUDA_VISIBLE_DEVICES", "AILAB_TASK_ID", "SLURM_JOB_ID"].map(
    (name): Row => [`env sets ${name}`, envTable(name), "task.toml", `environment.env.${name}`, /the runner does not set itself/],
  ),
  ['env "A B"', envTable('"A B"'), "task.toml", 'environment.env."A B"'],
  ["env 1X", envTable('"1X"'), "task.toml", "environment.env.1X"],
  ["env X = [1]", envTable("X", "[1]"), "task.toml", "environment.env.X"],
  ["env X = { a = 1 }", envTable("X", "{ a = 1 }"), "task.toml", "environment.env.X"],
  ["env X = a date", envTable("X", "1979-05-27"), "task.toml", "environment.env.X"],
  ["env value with NUL", envTable("X", '"a\\u0000b"'), "task.toml", "environment.env.X"],
  ["a 200 KB env value", envTable("X", `"${big(200_000, "v")}"`), "task.toml", "environment.env.X", /at most 64 KiB, got one of 195\.3 KiB/],
  ["env values over 256 KiB together", withRun(`[environment]\nenv = { ${Array.from({ length: 5 }, (_, i) => `V${i} = "${big(60_000)}"`).join(", ")} }`), "task.toml", "environment.env", /256 KiB/],
  ["1001 env variables", withRun(`[environment]\nenv = { ${Array.from({ length: 1001 }, (_, i) => `V${i} = "x"`).join(", ")} }`), "task.toml", "environment.env", /at most 1000 variables/],
  ['env = "x"', withRun('[environment]\nenv = "x"'), "task.toml", "environment.env"],
  ["a wheel name without an abi tag", withRun('[environment]\nextra_wheels = ["dist/my_op-0.1.0-cp310-linux_x86_64.whl"]'), "task.toml", "environment.extra_wheels[0]", /PEP 427/],
  ["a wheel that is a tarball", withRun('[environment]\nextra_wheels = ["dist/op.tar.gz"]'), "task.toml", "environment.extra_wheels[0]"],
  ['a wheel named ".whl"', withRun('[environment]\nextra_wheels = ["dist/.whl"]'), "task.toml", "environment.extra_wheels[0]"],
  ["a wheel name with a space", withRun('[environment]\nextra_wheels = ["dist/my op-0.1-py3-none-any.whl"]'), "task.toml", "environment.extra_wheels[0]"],
  ["extra_wheels as a string", withRun('[environment]\nextra_wheels = "op-0.1-py3-none-any.whl"'), "task.toml", "environment.extra_wheels"],
  ["a wheel outside the project", withRun('[environment]\nextra_wheels = ["../op-0.1-py3-none-any.whl"]'), "task.toml", "environment.extra_wheels[0]"],
  ["pyproject = /etc/passwd", withRun('[environment]\npyproject = "/etc/passwd"'), "task.toml", "environment.pyproject"],
  ["lockfile = ../uv.lock", withRun('[environment]\nlockfile = "../uv.lock"'), "task.toml", "environment.lockfile"],
  ["lockfile with a backslash", withRun('[environment]\nlockfile = "locks\\\\uv.lock"'), "task.toml", "environment.lockfile"],
  ["pyproject and pyproject_toml disagree", withRun('[environment]\npyproject = "a.toml"\npyproject_toml = "b.toml"'), "task.toml", "environment.pyproject", /disagree/],
  ["env_name = 3", withRun("[environment]\nenv_name = 3"), "task.toml", "environment.env_name"],
  ["environment.python (unknown)", withRun('[environment]\npython = "3.11"'), "task.toml", "environment.python", /unknown key/],
];

const files: Row[] = [
  ['datasets = ["../etc"]', withRun('[files]\ndatasets = ["../etc"]'), "task.toml", "files.datasets[0]"],
  ["1001 datasets", withRun(`[files]\ndatasets = [${Array.from({ length: 1001 }, (_, i) => `"d${i}"`).join(", ")}]`), "task.toml", "files.datasets", /at most 1000 items/],
  ["a download without local", withRun('[files]\ndownload = [{ remote = "x" }]'), "task.toml", "files.download[0].local"],
  ["download = 3", withRun("[files]\ndownload = 3"), "task.toml", "files.download"],
  ['upload = "all"', withRun('[files]\nupload = "all"'), "task.toml", "files.upload"],
  ["an upload from outside", withRun('[files]\nupload = [{ local = "../x", remote = "x" }]'), "task.toml", "files.upload[0].local"],
  ["an upload to outside", withRun('[files]\nupload = [{ local = "train.py", remote = "../x" }]'), "task.toml", "files.upload[0].remote"],
  ['ignore = [""]', withRun('[files]\nignore = [""]'), "task.toml", "files.ignore[0]"],
  ["an ignore pattern with a newline", withRun('[files]\nignore = ["a\\nb"]'), "task.toml", "files.ignore[0]"],
  ["workdir in both spellings, disagreeing", task('[files]\nworkdir = "a"\n[run]\nworkdir = "b"\ncommand = "true"\n'), "task.toml", "run.workdir", /disagree/],
  ["files.include (unknown)", withRun('[files]\ninclude = ["x"]'), "task.toml", "files.include", /unknown key/],
];

const run: Row[] = [
  ["no [run]", task("[resources]\ngpus = 0\n"), "task.toml", "run.command", /\[run\] table/],
  ["command and commands", task('[run]\ncommand = "a"\ncommands = ["b"]\n'), "task.toml", "run.commands", /not both/],
  ["neither command nor commands", task("[run]\nresults = []\n"), "task.toml", "run.command"],
  ["commands = []", task("[run]\ncommands = []\n"), "task.toml", "run.commands"],
  ['command = ""', task('[run]\ncommand = ""\n'), "task.toml", "run.command"],
  ['command = "   "', task('[run]\ncommand = "   "\n'), "task.toml", "run.command"],
  ["command = 3", task("[run]\ncommand = 3\n"), "task.toml", "run.command"],
  ["commands = [1]", task("[run]\ncommands = [1]\n"), "task.toml", "run.commands[0]"],
  ["a command with NUL", task('[run]\ncommand = "a\\u0000b"\n'), "task.toml", "run.command"],
  ["an unknown placeholder", task('[run]\ncommand = "python t.py --lr {lr}"\n'), "task.toml", "run.command", /\{lr\}/],
  ["an unknown placeholder in commands[1]", task('[run]\ncommands = ["a", "b {x}"]\n'), "task.toml", "run.commands[1]"],
  ["a 100 KB command", task(`[run]\ncommand = "${big(100_000, "c")}"\n`), "task.toml", "run.command", /at most 64 KiB/],
  ["commands over 256 KiB together", task(`[run]\ncommands = [${Array.from({ length: 5 }, () => `"${big(60_000, "c")}"`).join(", ")}]\n`), "task.toml", "run.commands", /256 KiB/],
  ["1001 commands", task(`[run]\ncommands = [${Array.from({ length: 1001 }, () => '"true"').join(", ")}]\n`), "task.toml", "run.commands", /at most 1000 items/],
  ['workdir = "../x"', task('[run]\ncommand = "true"\nworkdir = "../x"\n'), "task.toml", "run.workdir"],
  ['workdir = "/abs"', task('[run]\ncommand = "true"\nworkdir = "/abs"\n'), "task.toml", "run.workdir"],
  ['workdir = "~/x"', task('[run]\ncommand = "true"\nworkdir = "~/x"\n'), "task.toml", "run.workdir"],
  ['results = ["../x"]', task('[run]\ncommand = "true"\nresults = ["../x"]\n'), "task.toml", "run.results[0]"],
  ['results = "output"', task('[run]\ncommand = "true"\nresults = "output"\n'), "task.toml", "run.results"],
  ["logs = [3]", task('[run]\ncommand = "true"\nlogs = [3]\n'), "task.toml", "run.logs[0]"],
  ["run.comand (a typo)", task('[run]\ncommand = "x"\ncomand = "y"\n'), "task.toml", "run.comand", /unknown key/],
  ['run = "python train.py"', task('run = "python train.py"\n'), "task.toml", "run", /a table/],
  ["[[run]] as an array of tables", task('[[run]]\ncommand = "x"\n'), "task.toml", "run", /a table/],
];

const sweepWith = (body: string) => task(`[run]\ncommand = "python train.py {a}"\n[sweep]\n${body}\n`);

const sweep: Row[] = [
  ['three ranges of "0..999"', task('[run]\ncommand = "python t.py {a} {b} {c}"\n[sweep]\na = "0..999"\nb = "0..999"\nc = "0..999"\n'), "task.toml", "sweep", /at most 1000 runs in all, got 1000 × 1000 × 1000 = 1,000,000,000/],
  ["two ranges of 1..100", task('[run]\ncommand = "python t.py {a} {b}"\n[sweep]\na = "1..100"\nb = "1..100"\n'), "task.toml", "sweep", /at most 1000 runs/],
  ["ten parameters of four values", task(`[run]\ncommand = "python t.py"\n[sweep]\n${Array.from({ length: 10 }, (_, i) => `p${i} = [1, 2, 3, 4]`).join("\n")}\n`), "task.toml", "sweep"],
  ['a range "3..1"', sweepWith('a = "3..1"'), "task.toml", "sweep.a", /range/],
  ['a range "0..1000"', sweepWith('a = "0..1000"'), "task.toml", "sweep.a", /at most 1000 values/],
  ['a range "a..b"', sweepWith('a = "a..b"'), "task.toml", "sweep.a"],
  ['a range "1..9999999999"', sweepWith('a = "1..9999999999"'), "task.toml", "sweep.a"],
  ["an empty array", sweepWith("a = []"), "task.toml", "sweep.a"],
  ["1001 values", sweepWith(`a = [${Array.from({ length: 1001 }, (_, i) => i).join(", ")}]`), "task.toml", "sweep.a", /at most 1000 items/],
  ['a value "a b"', sweepWith('a = ["a b"]'), "task.toml", "sweep.a"],
  ['a value "a;rm -rf /"', sweepWith('a = ["a;rm -rf /"]'), "task.toml", "sweep.a"],
  ["a boolean value", sweepWith("a = [true]"), "task.toml", "sweep.a"],
  ["a nan value", sweepWith("a = [nan]"), "task.toml", "sweep.a"],
  ["a table value", sweepWith("a = { x = 1 }"), "task.toml", "sweep.a"],
  ['the name "bad-name"', sweepWith('a = [1]\n"bad-name" = [1]'), "task.toml", "sweep.bad-name"],
  ["the name task_id", sweepWith("a = [1]\ntask_id = [1]"), "task.toml", "sweep.task_id"],
  ["sweep = 3", task(`sweep = 3\n${RUN}`), "task.toml", "sweep", /a table/],
  ["200 parameters of 1000 values", task(`[run]\ncommand = "x"\n[sweep]\n${Array.from({ length: 200 }, (_, i) => `p${i} = "1..1000"`).join("\n")}\n`), "task.toml", "sweep", /more than 10\^15 \(200 parameters\)$/],
];

const topLevel: Row[] = [
  ["an unknown table [slurm]", withRun('[slurm]\nqos = "x"'), "task.toml", "slurm", /unknown key/],
  ["a top-level key", task(`colour = "red"\n${RUN}`), "task.toml", "colour", /unknown key/],
  ["a 100 KB key", task(`"${big(100_000, "k")}" = 1\n${RUN}`), "task.toml", `"${big(40, "k")}"… (100000 characters)`, /key of at most 64 KiB/],
  ["a 100-character unknown key", task(`${big(100, "k")} = 1\n${RUN}`), "task.toml", `"${big(40, "k")}"… (100 characters)`, /unknown key/],
  ["an empty file", task(""), "task.toml", "run.command"],
  ["only comments", task("# nothing here\n"), "task.toml", "run.command"],
  ["20000 unknown keys", task(`${RUN}${Array.from({ length: 20_000 }, (_, i) => `k${i} = 1`).join("\n")}\n`), "task.toml", "run.k0", /unknown key/],
];

/**
 * The corpus of bad projects: each is the sample project (a valid task.toml,
 * pyproject.toml and the uv.lock `uv lock` writes for it) with a few files
 * changed, and names the file and key its first issue must have. Built from
 * the rules of docs/student-guide.md; every case must be refused by
 * `ailab validate` and by the action, in the same words.
 */
export const BAD_PROJECTS: BadProject[] = [...layout, ...lockfile, ...encoding, ...syntax, ...resources, ...taskTable, ...environment, ...files, ...run, ...sweep, ...topLevel].map(
  ([name, files, file, key, message]) => ({ name, files, file, key, ...(message ? { message } : {}) }),
);

/**
 * Writes a corpus project into `dir` (an empty folder, or a work tree whose
 * files `clear` should remove first, keeping `.git`): the sample project,
 * then the case's files over it.
 */
export async function writeBadProject(dir: string, project: BadProject, clear = false): Promise<void> {
  if (clear) {
    const { readdir } = await import("node:fs/promises");
    for (const entry of await readdir(dir)) if (entry !== ".git") await rm(join(dir, entry), { recursive: true, force: true });
  }
  const all: Record<string, CorpusFile> = { ...sampleProject(), ...project.files };
  for (const [path, content] of Object.entries(all)) {
    if (content === null) continue;
    const target = join(dir, path);
    await mkdir(dirname(target), { recursive: true });
    if (typeof content === "object" && !(content instanceof Uint8Array)) await symlink(content.link, target);
    else await writeFile(target, content);
  }
}
