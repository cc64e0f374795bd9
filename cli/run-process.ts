import { spawn } from "node:child_process";

/** What a finished process left: its exit status and everything it printed. */
export interface ProcessResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface ProcessOptions {
  cwd: string;
  /** The whole environment of the child (not merged with this process's). */
  env: Record<string, string | undefined>;
  /** Written to the child's stdin, which is then closed. */
  input?: string;
}

/** Runs a program to completion. Takes an argument array, never a shell string. */
export type ProcessRunner = (argv: readonly string[], options: ProcessOptions) => Promise<ProcessResult>;

/** The real process runner (node:child_process, no shell). */
export const runProcess: ProcessRunner = (argv, options) =>
  new Promise((resolve, reject) => {
    const [command, ...args] = argv;
    if (command === undefined) throw new Error("runProcess: empty argv");
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ["pipe", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
    child.on("error", reject);
    child.on("close", (code, signal) =>
      resolve({
        exitCode: code ?? (signal ? 128 : 1),
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
      }),
    );
    child.stdin.on("error", () => {}); // a child that exits without reading stdin
    child.stdin.end(options.input ?? "");
  });
