import type { ApiClient } from "./api-client.js";
import type { ConfigStore } from "./config-store.js";
import type { ProcessRunner } from "./run-process.js";

/** Somewhere text goes: stdout (data) or stderr (progress and messages). */
export interface Writer {
  write(text: string): void;
}

/** The user's side of the terminal. */
export interface Input {
  /** True when a person types at it; false when a script pipes into it. */
  readonly isTTY: boolean;
  /** Everything piped in, up to end of file. */
  readAll(): Promise<string>;
  /** Asks a question on the terminal; `hidden` does not echo what is typed. */
  prompt(question: string, options: { hidden: boolean }): Promise<string>;
}

/**
 * Everything a command may touch of the outside world, passed in so that a
 * test can give each command a temporary folder, its own environment and
 * writers it reads back (probot's Context, gh's Factory).
 */
export interface CliContext {
  cwd: string;
  env: Record<string, string | undefined>;
  stdout: Writer;
  stderr: Writer;
  stdin: Input;
  config: ConfigStore;
  /** A client for the server at `url` with `token`. */
  connect(url: string, token: string): ApiClient;
  /** Runs git and other programs (argv arrays, never shell strings). */
  run: ProcessRunner;
  /** Aborted when the user asks the program to stop (SIGINT, SIGTERM). */
  stopSignal(): AbortSignal;
  /** How often waiting commands ask the server again. */
  pollMs: number;
}
