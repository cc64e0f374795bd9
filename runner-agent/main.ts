#!/usr/bin/env node
import { Command } from "commander";
import { AilabError } from "../core/errors.js";
import { formatAccountingTable, formatLimits, readAccountingReport } from "./accounting-report.js";
import { readDataDir, readRunnerConfig, RUNNER_ENV_VARS, type RunnerFlags } from "./runner-config.js";
import { startRunner } from "./start-runner.js";

const program = new Command("ailab-runner")
  .description("Takes ailab jobs from the relay, builds their uv environments, runs them with Slurm or the local executor and sends back events, logs and results.")
  .showHelpAfterError();

program
  .command("run")
  .description("run until SIGTERM or SIGINT; jobs that are running keep running and are picked up by the next start")
  .option("--relay <dir-or-s3-url>", "the relay shared with ailab-action: a folder or s3://BUCKET/PREFIX (AILAB_RELAY; S3 reads AILAB_S3_ENDPOINT, AILAB_S3_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)")
  .option("--relay-dir <dir>", "a relay folder (AILAB_RELAY_DIR; same as --relay DIR)")
  .option("--name <name>", "this runner's name; its inbox is messages/to-runner/<name>/ (AILAB_RUNNER_NAME, default: local)")
  .option("--data-dir <dir>", "database, object and environment caches, job folders (AILAB_RUNNER_DIR, default: ~/.ailab/runner)")
  .option("--secret-file <file>", "a file holding the relay secret (AILAB_SECRET_FILE; or the secret itself in AILAB_SECRET)")
  .option("--uv <path>", "the uv executable (AILAB_UV, default: uv in PATH)")
  .option("--package-index <url>", "a package index mirror environments are built from instead of the URLs in uv.lock (AILAB_PACKAGE_INDEX)")
  .option("--python-install-mirror <url>", "where uv downloads Pythons from (AILAB_PYTHON_INSTALL_MIRROR, sets UV_PYTHON_INSTALL_MIRROR)")
  .option("--scheduler <kind>", "where jobs run: local (this machine) or slurm (AILAB_SCHEDULER, default: local)")
  .option("--partitions <names>", "Slurm partitions tasks may name, such as gpu,debug (AILAB_PARTITIONS, default: all that sinfo lists)")
  .option("--max-jobs <n>", "jobs released at once (building, running, or pending in Slurm); the rest wait in the runner's fair-share queue (AILAB_MAX_JOBS, default: 1 locally; with Slurm, as many as its GPUs and CPUs hold)")
  .option("--template <file>", "a replacement for templates/sbatch.hbs (AILAB_TEMPLATE)")
  .option("--poll-min-ms <ms>", "poll interval while work is in flight (AILAB_POLL_MIN_MS, default: 1000)")
  .option("--poll-max-ms <ms>", "poll interval cap when idle (AILAB_POLL_MAX_MS, default: 15000)")
  .option("--progress-interval-ms <ms>", "least time between two progress events of a job (AILAB_PROGRESS_INTERVAL_MS, default: 10000)")
  .option("--cancel-grace-ms <ms>", "time between SIGTERM and SIGKILL when a job is cancelled (AILAB_CANCEL_GRACE_MS, default: 5000)")
  .option("--heartbeat-ms <ms>", "how often the runner reports its GPUs and accounting to the action (AILAB_HEARTBEAT_MS, default: 30000)")
  .option("--sandbox <kind>", "how jobs are kept from the runner and each other: bwrap or none (AILAB_SANDBOX, default: bwrap when installed)")
  .option("--gpus <ids>", "GPUs jobs may use: auto, none, or indices/UUIDs such as 0,1 (AILAB_GPUS, default: auto)")
  .option("--max-jobs-per-user <n>", "jobs one user may have building or running at once; more wait in the runner's queue (AILAB_MAX_JOBS_PER_USER, default: no limit)")
  .option("--max-gpus-per-user <n>", "GPUs one user's jobs may hold at once (AILAB_MAX_GPUS_PER_USER, default: no limit)")
  .option("--gpu-hours-per-user <h>", "GPU-hours one user may use over the budget period, GPUs × time limit reserved for each released task; a GPU task that cannot fit fails (AILAB_GPU_HOURS_PER_USER, default: no budget)")
  .option("--user-limits <file>", "a TOML file of limits for single users, [users.<name>] with gpu_hours, max_jobs, max_gpus (AILAB_USER_LIMITS)")
  .option("--budget-period-hours <h>", "how far back the budget and 'used least lately' look (AILAB_BUDGET_PERIOD_HOURS, default: 168)")
  .option("--max-log-size <size>", "bytes of a job's log kept, such as 64M; the rest is cut with a marker line (AILAB_MAX_LOG_SIZE, default: 64M)")
  .option("--max-results-size <size>", "bytes of results one task may send back, such as 2G; over it nothing is uploaded (AILAB_MAX_RESULTS_SIZE, default: 2G)")
  .option("--max-result-files <n>", "files of results one task may send back (AILAB_MAX_RESULT_FILES, default: 10000)")
  .addHelpText("after", `\nEnvironment variables (a flag wins over its variable):\n${Object.entries(RUNNER_ENV_VARS).map(([k, v]) => `  ${k.padEnd(28)}${v}`).join("\n")}\n\nUV_* variables are passed to uv (e.g. UV_CACHE_DIR, UV_PYTHON_DOWNLOADS).`)
  .action(async (flags: RunnerFlags) => {
    const runner = await startRunner(readRunnerConfig(flags));
    await new Promise<void>((resolve) => {
      process.once("SIGTERM", resolve);
      process.once("SIGINT", resolve);
    });
    await runner.stop();
  });

program
  .command("accounting")
  .description("print each user's tasks, GPU- and CPU-hours, outcomes and budget from the runner's database (works while the runner runs)")
  .option("--json", "print {limits, users} as JSON")
  .option("--data-dir <dir>", "the runner's data folder (AILAB_RUNNER_DIR, default: ~/.ailab/runner)")
  .action((flags: { json?: boolean; dataDir?: string }) => {
    const report = readAccountingReport(readDataDir(flags.dataDir, process.env), Date.now());
    if (flags.json) return console.log(JSON.stringify(report, null, 2));
    if (report.users.length === 0) console.error("no tasks yet");
    else process.stdout.write(formatAccountingTable(report));
    console.error(formatLimits(report.limits));
  });

try {
  await program.parseAsync();
} catch (e) {
  console.error(`ailab-runner: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = e instanceof AilabError && e.code === "ConfigError" ? 2 : 1;
}
