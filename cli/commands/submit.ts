import type { Command } from "commander";
import type { CliContext } from "../cli-context.js";
import { AuthError, UsageError } from "../cli-errors.js";
import { outcomeOf } from "../exit-codes.js";
import { findSubmittedTask } from "../find-submitted-task.js";
import { followTask } from "../follow-task.js";
import { outputBlock } from "../format-task.js";
import { git, openGitRepo } from "../git-repo.js";
import type { CommandDeps } from "../new-program.js";
import { gitAuthEnv, resolvePushTarget } from "../push-target.js";
import { loadTaskAtHead } from "../read-task-file.js";
import { requireLogin } from "../require-login.js";
import { checkTaskName, defaultTaskName } from "../task-name.js";

export interface SubmitOptions {
  wait: boolean;
  name?: string;
}

/** How long to wait for the server to list a pushed task. */
const FIND_TIMEOUT_MS = 30_000;

/** `ailab submit [--wait] [--name N]`. */
export function registerSubmit(program: Command, deps: CommandDeps<SubmitOptions>): Command {
  const run = deps.run ?? runSubmit;
  return program
    .command("submit")
    .description("Push HEAD to ailab/<task name> and print the task id; --wait follows it to the end")
    .option("--wait", "follow the task; exit 0 on success, 1 on failure or error, 2 if cancelled")
    .option("--name <name>", "the branch is ailab/<name> (default: [task] name, the current branch, the folder)")
    .action((opts: { wait?: boolean; name?: string }) =>
      run(deps.ctx, { wait: opts.wait === true, ...(opts.name !== undefined ? { name: opts.name } : {}) }),
    );
}

/**
 * Validates the committed task file, force-pushes HEAD to the submission
 * branch with the token passed through git's environment (never the command
 * line or .git/config), finds the task the server made, prints its id on
 * stdout, and with `wait` follows it on stderr.
 */
export async function runSubmit(ctx: CliContext, options: SubmitOptions): Promise<void> {
  const { login, api } = await requireLogin(ctx);
  const repo = await openGitRepo(ctx, ctx.cwd);
  const commit = await repo.headCommit();
  const fallback = options.name !== undefined ? checkTaskName(options.name) : await defaultTaskName(repo, ctx.cwd);
  const { file, task } = await loadTaskAtHead(repo, fallback);
  const branch = `ailab/${options.name ?? task.name}`;
  if (await repo.hasUncommittedChanges()) {
    ctx.stderr.write(`note: uncommitted changes are not submitted; the task runs commit ${commit.slice(0, 8)} as it was committed\n`);
  }

  const target = await resolvePushTarget(repo, login);
  if (!target.sameServer) ctx.stderr.write(`note: ${target.gitUrl} is not on ${login.forge?.url ?? login.url}; pushing with your own git credentials, not the stored token\n`);
  const before = await api.listTasks({ repo: target.repo, branch, commit });
  ctx.stderr.write(`pushing ${commit.slice(0, 8)} (${file}: task ${task.name}) to ${branch} of ${target.gitUrl}\n`);
  const env = target.sameServer ? gitAuthEnv(ctx.env, login) : { ...ctx.env, GIT_TERMINAL_PROMPT: "0" };
  const push = await git(ctx, repo.topLevel, ["push", "--force", "--porcelain", target.gitUrl, `${commit}:refs/heads/${branch}`], env);
  if (push.exitCode !== 0) {
    const why = (push.stderr || push.stdout).trim();
    if (/\b401\b|Authentication failed|could not read Username/i.test(why)) {
      throw new AuthError(`the git server refused the push (run \`ailab login ${login.url}\` again):\n${why}`);
    }
    throw new UsageError("PushFailed", `git push to ${target.gitUrl} failed:\n${why}`, { branch });
  }
  const upToDate = /\[up to date\]/.test(push.stdout);

  const found = await findSubmittedTask(api, { repo: target.repo, branch, commit }, before, {
    upToDate,
    pollMs: ctx.pollMs,
    timeoutMs: FIND_TIMEOUT_MS,
  });
  ctx.stdout.write(found.id + "\n");
  if (upToDate) {
    ctx.stderr.write(`note: ${branch} already pointed at this commit, so nothing new runs; to run it again, make a new commit (git commit --allow-empty -m "run again")\n`);
  }
  if (!options.wait) {
    ctx.stderr.write(`task ${found.id} is ${found.state}; follow it with \`ailab status ${found.id}\` or \`ailab logs --follow ${found.id}\`\n`);
    return;
  }
  const ended = await followTask(ctx, api, found.id);
  const outcome = outcomeOf(ended);
  if (ended.output) ctx.stderr.write(outputBlock(ended.output));
  if (outcome) throw outcome;
  ctx.stderr.write(`task ${ended.id} succeeded; get its results with \`ailab pull ${ended.id}\`\n`);
}
