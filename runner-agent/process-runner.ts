import { spawn } from "node:child_process";

/** What a finished process left: its exit status and its output. */
export interface ProcessResult {
  /** The exit code; `null` when a signal ended it. */
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

export interface ProcessOptions {
  cwd?: string;
  env?: Record<string, string>;
  /** Aborting it sends SIGTERM to the process. */
  signal?: AbortSignal;
}

/**
 * Runs a program and waits for it: `argv[0]` is the program (a name looked
 * up in the PATH of `env`, or a path), the rest its arguments, never a shell
 * string. A program that cannot start rejects with the system error (its
 * `code` is `ENOENT` when the program does not exist); a non-zero exit does
 * not reject, the caller reads `exitCode`.
 */
export type ProcessRunner = (argv: readonly string[], options?: ProcessOptions) => Promise<ProcessResult>;

const MAX_OUTPUT = 4 * 1024 * 1024;

/** The real process runner, on `child_process.spawn`. */
export const runProcess: ProcessRunner = (argv, options = {}) =>
  new Promise((resolve, reject) => {
    const [program, ...args] = argv;
    if (!program) return reject(new Error("runProcess needs a program"));
    const child = spawn(program, args, {
      cwd: options.cwd,
      env: options.env,
      signal: options.signal,
      killSignal: "SIGTERM",
      stdio: ["ignore", "pipe", "pipe"],
    });
    const stdout = collect(child.stdout);
    const stderr = collect(child.stderr);
    child.once("error", (e) => {
      // An abort after the start is reported by "close" with the signal.
      if (e.name === "AbortError" && child.pid !== undefined) return;
      reject(e);
    });
    child.once("close", (code) => resolve({ exitCode: code, stdout: stdout(), stderr: stderr() }));
  });

/** Keeps the last MAX_OUTPUT bytes of a stream: uv's errors come at the end. */
function collect(stream: NodeJS.ReadableStream): () => string {
  const chunks: Buffer[] = [];
  let size = 0;
  stream.on("data", (chunk: Buffer) => {
    chunks.push(chunk);
    size += chunk.length;
    while (size > MAX_OUTPUT && chunks.length > 1) size -= chunks.shift()!.length;
  });
  return () => Buffer.concat(chunks).toString("utf8");
}
