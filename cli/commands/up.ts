import { randomBytes } from "node:crypto";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { InvalidArgumentError } from "commander";
import { readActionConfig } from "../../action/action-config.js";
import { startAction } from "../../action/start-action.js";
import { errnoCode } from "../../core/errors.js";
import { readRunnerConfig } from "../../runner-agent/runner-config.js";
import { startRunner } from "../../runner-agent/start-runner.js";
import type { CliContext } from "../cli-context.js";
import type { CommandDeps } from "../new-program.js";

export interface UpOptions {
  /** Holds relay/, action/, runner/ and the relay secret. */
  dir: string;
  host: string;
  port: number;
}

/** `ailab up [--dir D] [--host H] [--port P]`. */
export function registerUp(program: Command, deps: CommandDeps<UpOptions>): Command {
  const run = deps.run ?? runUp;
  return program
    .command("up")
    .description("Run the server and a local runner together on this machine (the embedded default) until Ctrl-C")
    .option("--dir <dir>", "where state is kept: relay/, action/, runner/, secret", ".ailab")
    .option("--host <host>", "the address to listen on", "127.0.0.1")
    .option("--port <port>", "the port to listen on (0 picks a free one)", parsePort, 8080)
    .action((opts: { dir: string; host: string; port: number }) => run(deps.ctx, { dir: opts.dir, host: opts.host, port: opts.port }));
}

/**
 * Starts ailab-action (built-in git host, API) and ailab-runner (local
 * executor) in this process, sharing a directory relay under `dir` and a
 * relay secret generated once into `dir/secret` (mode 0600). Prints the URL
 * and how to add a user on stderr, then runs until SIGINT/SIGTERM and stops
 * both: the runner first, so that nothing it sends is left half-written.
 */
export async function runUp(ctx: CliContext, options: UpOptions): Promise<void> {
  const dir = resolve(ctx.cwd, options.dir);
  const paths = { relay: join(dir, "relay"), action: join(dir, "action"), runner: join(dir, "runner"), secret: join(dir, "secret") };
  await mkdir(dir, { recursive: true, mode: 0o700 });
  for (const folder of [paths.relay, paths.action, paths.runner]) await mkdir(folder, { recursive: true });
  const secret = await ensureSecret(paths.secret);

  const actionConfig = readActionConfig(
    { dataDir: paths.action, relayDir: paths.relay, secret, listen: `${options.host}:${options.port}`, runnerName: "local" },
    ctx.env,
  );
  const runnerConfig = readRunnerConfig(
    { name: "local", dataDir: paths.runner, relayDir: paths.relay, secretFile: paths.secret },
    ctx.env,
  );

  const stop = ctx.stopSignal();
  const action = await startAction(actionConfig);
  let runner: Awaited<ReturnType<typeof startRunner>>;
  try {
    runner = await startRunner(runnerConfig);
  } catch (e) {
    await action.stop();
    throw e;
  }
  ctx.stderr.write(
    [
      `ailab is up at ${action.url}`,
      `  state in ${dir} (relay, action, runner); local executor`,
      `  add a user:  ailab-action user add NAME --data-dir ${paths.action}`,
      `  then log in: ailab login ${action.url}   (paste the token it printed)`,
      "  stop with Ctrl-C",
      "",
    ].join("\n"),
  );
  if (!stop.aborted) await new Promise((resolveStop) => stop.addEventListener("abort", resolveStop, { once: true }));
  ctx.stderr.write("stopping the runner and the server…\n");
  try {
    await runner.stop();
  } finally {
    await action.stop();
  }
  ctx.stderr.write("stopped\n");
}

/** Reads the relay secret, generating it first if the file does not exist yet. */
async function ensureSecret(path: string): Promise<string> {
  try {
    await writeFile(path, randomBytes(32).toString("hex") + "\n", { flag: "wx", mode: 0o600 });
  } catch (e) {
    if (errnoCode(e) !== "EEXIST") throw e;
  }
  await chmod(path, 0o600);
  return (await readFile(path, "utf8")).trim();
}

function parsePort(value: string): number {
  const port = /^\d{1,5}$/.test(value) ? Number(value) : NaN;
  if (!(port >= 0 && port <= 65535)) throw new InvalidArgumentError("expected a port number from 0 to 65535");
  return port;
}
