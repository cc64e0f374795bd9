import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { AilabError, errnoCode } from "../core/errors.js";
import { readPythonAsk } from "../core/python/read-python-ask.js";
import { chooseRunner } from "../core/runners/choose-runner.js";
import type { Task } from "../core/task/task.js";
import type { CliContext } from "./cli-context.js";

/**
 * What the action will say about where `task` can run, asked before the
 * push: the runners' last heartbeats (`ailab runners`) judged by
 * chooseRunner, the function the action runs at push time, with the
 * project's Python ask (requires-python, .python-version) read from the
 * folder as the action reads it from the commit. No runner fits: throws
 * NoRunnerFits with the action's words. Not logged in: nothing to ask, so
 * nothing is checked. The server cannot be reached: a note, since
 * everything else validate checks did not need it.
 */
export async function checkRunnersFit(ctx: CliContext, dir: string, task: Task): Promise<void> {
  const login = await ctx.config.read().catch(() => undefined);
  if (!login) return;
  let runners;
  try {
    runners = await ctx.connect(login.url, login.token).listRunners();
  } catch (e) {
    ctx.stderr.write(`note: could not ask ${login.url} which runners there are (${e instanceof Error ? e.message : String(e)}), so GPUs, partitions and Python were not checked against them\n`);
    return;
  }
  // None has reported yet: the action sends to its configured runner, whose name only it knows.
  if (runners.length === 0) return;
  const pyproject = join(dir, task.environment.pyproject);
  const python = readPythonAsk(await readText(pyproject), await readText(join(dirname(pyproject), ".python-version")));
  const choice = chooseRunner(task, runners, { isFresh: (r) => !r.stale, defaultRunner: "local", python });
  if (!choice.ok) throw new AilabError("NoRunnerFits", choice.description.replace(/^error: /, ""), { url: login.url });
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (e) {
    if (errnoCode(e) === "ENOENT" || errnoCode(e) === "EISDIR") return undefined;
    throw e;
  }
}
