import { isTaskName } from "./task-name.js";

/**
 * The task.toml `ailab init` writes: every key shown, the optional ones
 * commented out with their defaults explained. It parses as it stands (a
 * test checks), so `ailab submit` works before the user edits anything.
 * `name` is used when it is a valid task name; otherwise the branch decides.
 */
export function starterTaskToml(options: { name?: string; command?: string } = {}): string {
  const name =
    options.name !== undefined && isTaskName(options.name)
      ? `name = ${JSON.stringify(options.name)}`
      : `# name = "train"                # default: the branch name after ailab/`;
  const command = JSON.stringify(options.command ?? "python main.py");
  return `# ailab task file: push a branch named ailab/<name> holding this file to run it.
# Every key is optional except [run] command (or commands). Paths are relative
# to the project root and must stay inside it.

[task]
${name}
# description = "what this run is for"
# cluster = "gpu-box"             # which runner takes the job, if there are several
# supersede = false               # a newer push to this branch cancels this task unless false

[resources]                       # Slurm forms; the defaults are shown
# gpus = 0
# gpu_type = "a100"               # only types the cluster has
# cpus = 1
# memory = "4G"                   # a number, then K, M, G or T
# time_limit = "1:00:00"          # M, M:S, H:M:S, D-H, D-H:M or D-H:M:S
# partition = "gpu"               # only partitions the admin allows

[environment]                     # the job runs in an environment built with uv sync --frozen
# pyproject = "pyproject.toml"
# lockfile = "uv.lock"
# extra_wheels = ["dist/my_op-0.1.0-cp310-cp310-linux_x86_64.whl"]
# env = { WANDB_MODE = "offline" }    # not AILAB_* or SLURM_*

[files]
# ignore = ["*.ckpt"]             # added to .ailabignore (gitignore syntax)
# datasets = ["imagenet-subset"]  # uploaded once with ailab sync-dataset
# download = [ { remote = "checkpoints/", local = "results/{task_id}/checkpoints/" } ]
# upload = "."                    # or [ { local = "configs/", remote = "configs/" } ]

[run]
# workdir = "."
command = ${command}
# commands = ["python prep.py", "python train.py"]   # instead of command: in order, the first failure stops the job
# results = ["output/"]           # brought back with ailab pull
# logs = ["logs/"]

# [sweep]                         # one push, many runs
# lr = [0.1, 0.01]
# seed = "1..3"                   # the command may use {lr} and {seed}; also {task_id}
`;
}

/** The .ailabignore `ailab init` writes: what never needs to travel to the cluster (gitignore syntax). */
export const STARTER_AILABIGNORE = `# Files ailab does not send to the cluster (gitignore syntax).
# task.toml [files] ignore adds more. .git/ is never sent.
.git/
__pycache__/
*.pyc
.venv/
.ipynb_checkpoints/
.pytest_cache/
.mypy_cache/
.DS_Store
results/
wandb/
*.ckpt
`;
