import { test } from "node:test";
import assert from "node:assert/strict";
import { parseTaskFile, TaskFileError, type TaskFileIssue } from "../../../core/task/parse-task-file.js";
import { hasCode } from "../../../core/errors.js";

const NEW_SPELLING = `
[task]
name = "train_resnet"              # default: the branch name after ailab/
description = "ResNet50 on a subset"

[resources]
gpus = 1
gpu_type = "a100"
cpus = 4
memory = "32G"
time_limit = "4:00:00"
partition = "gpu"

[environment]
pyproject = "pyproject.toml"
lockfile = "uv.lock"
extra_wheels = ["dist/my_op-0.1.0-cp310-cp310-linux_x86_64.whl"]
env = { WANDB_MODE = "offline" }

[files]
ignore = ["__pycache__/", "*.ckpt"]
datasets = ["imagenet-subset"]
download = [ { remote = "checkpoints/", local = "results/{task_id}/checkpoints/" } ]

[run]
workdir = "."
command = "python train.py --config configs/resnet50.yaml --lr {lr} --seed {seed}"
results = ["output/"]
logs = ["logs/"]

[sweep]
lr = [0.1, 0.01]
seed = "1..3"
`;

const OLDER_SPELLING = `
[resources]
gpus = 1
cpus = 4
memory = "32G"
time_limit = "4:00:00"

[environment]
pyproject_toml = "./pyproject.toml"
uv_lock = "./uv.lock"
extra_wheels = ["./dist/my_custom_op-0.1.0-cp310-cp310-linux_x86_64.whl"]

[files]
upload = "."
ignore = ["./__pycache__/"]
workdir = "."

[run]
commands = ["python train.py --config configs/resnet50.yaml"]
logs = ["./logs"]
results = ["./output"]
`;

/** The issues a task file gives, or fails the test when it parses. */
function issuesOf(text: string, file = "task.toml", branch = "ailab/t"): TaskFileIssue[] {
  try {
    parseTaskFile(text, { file, branch });
  } catch (e) {
    assert.ok(hasCode(e, "TaskFileInvalid"), `expected TaskFileInvalid, got ${String(e)}`);
    return (e as TaskFileError).issues;
  }
  assert.fail("the task file parsed, but it should not have");
}

/** The one issue for `key`, failing the test when there is none. */
function issueAt(text: string, key: string): TaskFileIssue {
  const issues = issuesOf(text);
  const found = issues.find((i) => i.key === key);
  assert.ok(found, `no issue for ${key}; got ${JSON.stringify(issues)}`);
  return found;
}

const RUN = '[run]\ncommand = "true"\n';

test("the new spelling from DESIGN.md parses to the expected task", () => {
  const task = parseTaskFile(NEW_SPELLING, { file: "task.toml", branch: "ailab/x" });
  assert.deepEqual(task, {
    name: "train_resnet",
    description: "ResNet50 on a subset",
    resources: { gpus: 1, gpuType: "a100", cpus: 4, memory: "32G", timeLimit: "4:00:00", partition: "gpu" },
    environment: {
      pyproject: "pyproject.toml",
      lockfile: "uv.lock",
      extraWheels: ["dist/my_op-0.1.0-cp310-cp310-linux_x86_64.whl"],
      env: { WANDB_MODE: "offline" },
    },
    files: {
      ignore: ["__pycache__/", "*.ckpt"],
      datasets: ["imagenet-subset"],
      download: [{ remote: "checkpoints", local: "results/{task_id}/checkpoints" }],
      upload: [{ local: ".", remote: "." }],
    },
    run: {
      workdir: ".",
      commands: ["python train.py --config configs/resnet50.yaml --lr {lr} --seed {seed}"],
      results: ["output"],
      logs: ["logs"],
    },
    sweep: { lr: [0.1, 0.01], seed: [1, 2, 3] },
  });
});

test("the older spelling parses unchanged, named after the branch", () => {
  const task = parseTaskFile(OLDER_SPELLING, { file: "task_config.toml", branch: "ailab/resnet/v2" });
  assert.deepEqual(task, {
    name: "resnet-v2",
    resources: { gpus: 1, cpus: 4, memory: "32G", timeLimit: "4:00:00" },
    environment: {
      pyproject: "pyproject.toml",
      lockfile: "uv.lock",
      extraWheels: ["dist/my_custom_op-0.1.0-cp310-cp310-linux_x86_64.whl"],
      env: {},
    },
    files: { ignore: ["/__pycache__/"], datasets: [], download: [], upload: [{ local: ".", remote: "." }] },
    run: {
      workdir: ".",
      commands: ["python train.py --config configs/resnet50.yaml"],
      results: ["output"],
      logs: ["logs"],
    },
  });
});

test("a minimal file gets every default", () => {
  const task = parseTaskFile(RUN, { file: "task.toml", branch: "ailab/demo" });
  assert.deepEqual(task, {
    name: "demo",
    resources: { gpus: 0, cpus: 1, memory: "4G", timeLimit: "1:00:00" },
    environment: { pyproject: "pyproject.toml", lockfile: "uv.lock", extraWheels: [], env: {} },
    files: { ignore: [], datasets: [], download: [], upload: [{ local: ".", remote: "." }] },
    run: { workdir: ".", commands: ["true"], results: [], logs: [] },
  });
});

test("upload as a list of tables, env values of other kinds, env_name and cluster", () => {
  const task = parseTaskFile(
    `[task]\ncluster = "lab-a100"\n[environment]\nenv_name = "torch 2"\nenv = { N = 3, DEBUG = true }\n` +
      `[files]\nupload = [{ local = "./configs/", remote = "configs/" }]\n` +
      `[resources]\ntime_limit = 90\nmemory = 4096\n${RUN}`,
    { file: "task.toml", branch: "ailab/a" },
  );
  assert.equal(task.cluster, "lab-a100");
  assert.equal(task.environment.label, "torch 2");
  assert.deepEqual(task.environment.env, { N: "3", DEBUG: "true" });
  assert.deepEqual(task.files.upload, [{ local: "configs", remote: "configs" }]);
  assert.equal(task.resources.timeLimit, "90");
  assert.equal(task.resources.memory, "4096");
});

test("every Slurm time form is accepted", () => {
  for (const form of ["30", "30:00", "4:00:00", "1-12", "1-12:30", "2-00:00:01"]) {
    const task = parseTaskFile(`[resources]\ntime_limit = "${form}"\n${RUN}`, { file: "task.toml", branch: "ailab/a" });
    assert.equal(task.resources.timeLimit, form);
  }
});

test("each kind of mistake names the dotted key, the expectation and the bad value", () => {
  const cases: [string, string, RegExp][] = [
    [`[resources]\nmemory = "32 GB"\n${RUN}`, "resources.memory", /Slurm memory size.*"32 GB"/],
    [`[resources]\nmemory = "0"\n${RUN}`, "resources.memory", /positive/],
    [`[resources]\ntime_limit = "4h"\n${RUN}`, "resources.time_limit", /H:M:S.*"4h"/],
    [`[resources]\ntime_limit = "0:00:00"\n${RUN}`, "resources.time_limit", /not zero/],
    [`[resources]\ngpus = -1\n${RUN}`, "resources.gpus", /whole number from 0 to 64.*-1/],
    [`[resources]\ngpus = "1"\n${RUN}`, "resources.gpus", /whole number.*"1"/],
    [`[resources]\ncpus = 0\n${RUN}`, "resources.cpus", /from 1 to 1024/],
    [`[resources]\ncpus = 1.5\n${RUN}`, "resources.cpus", /whole number.*1\.5/],
    [`[resources]\ngpu_type = "a100 --x"\n${RUN}`, "resources.gpu_type", /letters, digits/],
    [`[resources]\npartition = ""\n${RUN}`, "resources.partition", /letters, digits/],
    [`[task]\nname = "has space"\n${RUN}`, "task.name", /task name.*"has space"/],
    [`[task]\ncluster = "a;b"\n${RUN}`, "task.cluster", /runner name/],
    [`[task]\ndescription = 3\n${RUN}`, "task.description", /a string, got 3/],
    [`[task]\nsupersede = "no"\n${RUN}`, "task.supersede", /true or false, got "no"/],
    [`[environment]\nextra_wheels = ["dist/op.tar.gz"]\n${RUN}`, "environment.extra_wheels[0]", /\.whl/],
    [`[environment]\nenv = { "A B" = "x" }\n${RUN}`, 'environment.env."A B"', /variable name/],
    [`[environment]\nenv = { AILAB_TASK_ID = "x" }\n${RUN}`, "environment.env.AILAB_TASK_ID", /AILAB_/],
    [`[environment]\nenv = { SLURM_JOB_ID = "x" }\n${RUN}`, "environment.env.SLURM_JOB_ID", /SLURM_/],
    [`[environment]\nenv = { CUDA_VISIBLE_DEVICES = "0,1" }\n${RUN}`, "environment.env.CUDA_VISIBLE_DEVICES", /CUDA_VISIBLE_DEVICES/],
    [`[environment]\nenv = { X = [1] }\n${RUN}`, "environment.env.X", /string, number or boolean/],
    [`[environment]\npyproject = "a.toml"\npyproject_toml = "b.toml"\n${RUN}`, "environment.pyproject", /disagree/],
    [`[files]\ndatasets = ["../etc"]\n${RUN}`, "files.datasets[0]", /dataset name/],
    [`[files]\ndownload = [{ remote = "x" }]\n${RUN}`, "files.download[0].local", /missing/],
    [`[files]\nupload = "all"\n${RUN}`, "files.upload", /"\." or an array/],
    [`[files]\nworkdir = "a"\n[run]\nworkdir = "b"\ncommand = "true"`, "run.workdir", /disagree/],
    ["[run]\nresults = []\n", "run.command", /neither/],
    ['[run]\ncommand = "a"\ncommands = ["b"]\n', "run.commands", /not both/],
    ["[run]\ncommands = []\n", "run.commands", /non-empty/],
    ['[run]\ncommand = ""\n', "run.command", /non-empty/],
    ["[resources]\ngpus = 1\n", "run.command", /\[run\] table/],
    ['[run]\ncommand = "python t.py --lr {lr}"\n', "run.command", /unknown placeholder \{lr\}/],
    ['[run]\ncommands = ["a", "b {x}"]\n[sweep]\ny = [1]\n', "run.commands[1]", /\{x\}/],
    [`[sweep]\nlr = "3..1"\n${RUN}`, "sweep.lr", /range/],
    [`[sweep]\nlr = []\n${RUN}`, "sweep.lr", /array/],
    [`[sweep]\nname = ["a b"]\n${RUN}`, "sweep.name", /letters, digits/],
    [`[sweep]\n"bad-name" = [1]\n${RUN}`, "sweep.bad-name", /parameter name/],
    [`[sweep]\na = "1..100"\nb = "1..100"\n${RUN}`, "sweep", /at most 1000 runs/],
    [`resources = 3\n${RUN}`, "resources", /a table, got 3/],
  ];
  for (const [text, key, message] of cases) {
    const issue = issueAt(text, key);
    assert.match(issue.message, message, `for ${key}`);
    assert.equal(issue.file, "task.toml");
  }
});

test("shell variables and built-in placeholders are not unknown placeholders", () => {
  const task = parseTaskFile('[run]\ncommand = "echo ${HOME} {task_id} {task_name} {sweep_index} {seed}"\n[sweep]\nseed = [1]\n', {
    file: "task.toml",
    branch: "ailab/a",
  });
  assert.equal(task.run.commands.length, 1);
});

test("unknown keys and tables are errors naming the key", () => {
  assert.match(issueAt(`[resources]\ngpu = 1\n${RUN}`, "resources.gpu").message, /unknown key.*gpus/);
  assert.match(issueAt(`[run]\ncommand = "x"\ncomand = "y"\n`, "run.comand").message, /unknown key/);
  assert.match(issueAt(`[slurm]\nqos = "x"\n${RUN}`, "slurm").message, /unknown key.*resources/);
  assert.match(issueAt(`[files]\ndownload = [{ remote = "a", local = "b", mode = "x" }]\n${RUN}`, "files.download[0].mode").message, /unknown key/);
  assert.match(issueAt(`[task]\nnmae = "x"\n${RUN}`, "task.nmae").message, /unknown key/);
});

test("paths that leave the project are refused", () => {
  const escapes = ["../x", "/etc/passwd", "a/../../b", "..", "~/x", "a\\..\\b", "logs\nx", "a\u0000b", ""];
  for (const path of escapes) {
    const text = `[run]\ncommand = "true"\nworkdir = ${JSON.stringify(path)}\nresults = [${JSON.stringify(path)}]\n` +
      `[environment]\npyproject = ${JSON.stringify(path)}\nextra_wheels = [${JSON.stringify(path + ".whl")}]\n` +
      `[files]\nupload = [{ local = ${JSON.stringify(path)}, remote = "x" }]\n`;
    const keys = issuesOf(text).map((i) => i.key);
    for (const key of ["run.workdir", "run.results[0]", "environment.pyproject", "files.upload[0].local"]) {
      assert.ok(keys.includes(key), `${JSON.stringify(path)} at ${key}: got ${keys.join(", ")}`);
    }
    // ("" and ".." would make the file names ".whl" and "...whl", which stay inside.)
    if (path !== "" && path !== "..") assert.ok(keys.includes("environment.extra_wheels[0]"), `${JSON.stringify(path)} as a wheel`);
  }
});

test("paths are normalised: no ./, no trailing /, . for the root, inner .. resolved", () => {
  const task = parseTaskFile(`[run]\ncommand = "true"\nworkdir = "./"\nresults = ["./a/b/", "a/../c", "x//y"]\n`, {
    file: "task.toml",
    branch: "ailab/a",
  });
  assert.equal(task.run.workdir, ".");
  assert.deepEqual(task.run.results, ["a/b", "c", "x/y"]);
});

test("every issue is collected, not just the first, and the file name is the one given", () => {
  const issues = issuesOf(
    `[resources]\ngpus = -1\nmemory = "lots"\n[run]\ncommand = "true"\nworkdir = "../up"\nextra = 1\n`,
    "task_config.toml",
  );
  assert.deepEqual(issues.map((i) => i.key).sort(), ["resources.gpus", "resources.memory", "run.extra", "run.workdir"]);
  for (const issue of issues) assert.equal(issue.file, "task_config.toml");
});

test("the error's message lists file: key: message lines", () => {
  try {
    parseTaskFile(`[resources]\ngpus = -1\n${RUN}`, { file: "task_config.toml", branch: "ailab/a" });
    assert.fail("should not parse");
  } catch (e) {
    assert.ok(e instanceof TaskFileError);
    assert.match(e.message, /^task_config\.toml: resources\.gpus: expected/);
  }
});

test("a TOML syntax error is one issue with its line", () => {
  const issues = issuesOf(`[run]\ncommand = "true"\ngpus = = 1\n`);
  assert.equal(issues.length, 1);
  assert.equal(issues[0]!.key, "(syntax)");
  assert.match(issues[0]!.message, /^line 3: /);
});

test("the task name comes from the branch, or must be set", () => {
  assert.equal(parseTaskFile(RUN, { file: "task.toml", branch: "refs/heads/ailab/exp/1" }).name, "exp-1");
  assert.match(issuesOf(RUN, "task.toml", "ailab/bad name")[0]!.message, /"bad name"/);
  try {
    parseTaskFile(RUN, { file: "task.toml" });
    assert.fail("should need a name");
  } catch (e) {
    assert.ok(e instanceof TaskFileError);
    assert.equal(e.issues[0]!.key, "task.name");
  }
});

test("a newline in a quoted key or value is quoted back, never raw", () => {
  const issues = issuesOf(`[resources]\nmemory = "4G\\n#SBATCH --x"\n"a\\nb" = 1\n${RUN}`);
  for (const issue of issues) {
    assert.ok(!issue.key.includes("\n") && !issue.message.includes("\n"), JSON.stringify(issue));
  }
  assert.equal(issues.length, 2);
});

test("[task] supersede = false keeps a task running when the branch gets a newer push; true is the default", () => {
  assert.equal(parseTaskFile(`[task]\nsupersede = false\n${RUN}`, { file: "task.toml", branch: "ailab/x" }).supersede, false);
  assert.equal(parseTaskFile(`[task]\nsupersede = true\n${RUN}`, { file: "task.toml", branch: "ailab/x" }).supersede, undefined);
  assert.equal(parseTaskFile(RUN, { file: "task.toml", branch: "ailab/x" }).supersede, undefined);
});
