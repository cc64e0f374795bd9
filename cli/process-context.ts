import { createApiClient } from "./api-client.js";
import type { CliContext } from "./cli-context.js";
import { configDir, fileConfigStore } from "./config-store.js";
import { runProcess } from "./run-process.js";
import { terminalInput } from "./terminal-input.js";

/**
 * The context of a real `ailab` process: its stdio, environment and working
 * folder, the config under $XDG_CONFIG_HOME/ailab, and a stop signal fed by
 * SIGINT/SIGTERM (installed only when a command asks for it, so that Ctrl-C
 * keeps its usual meaning everywhere else). AILAB_POLL_MS sets how often
 * waiting commands poll (default 1000).
 */
export function createProcessContext(proc: NodeJS.Process = process): CliContext {
  const env = { ...proc.env };
  const poll = Number(env.AILAB_POLL_MS);
  let stop: AbortController | undefined;
  return {
    cwd: proc.cwd(),
    env,
    stdout: { write: (text) => void proc.stdout.write(text) },
    stderr: { write: (text) => void proc.stderr.write(text) },
    stdin: terminalInput(proc.stdin, proc.stderr),
    config: fileConfigStore(configDir(env)),
    connect: (url, token) => createApiClient(url, token),
    run: runProcess,
    stopSignal() {
      if (!stop) {
        const controller = new AbortController();
        const onSignal = (signal: NodeJS.Signals) => controller.abort(signal);
        proc.once("SIGINT", onSignal);
        proc.once("SIGTERM", onSignal);
        stop = controller;
      }
      return stop.signal;
    },
    pollMs: Number.isInteger(poll) && poll >= 50 ? poll : 1000,
  };
}
