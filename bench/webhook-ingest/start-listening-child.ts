import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";

/** A node program the bench started, once it said where it listens. */
export interface ListeningChild {
  child: ChildProcess;
  /** The first capture group of `pattern`, e.g. its URL or port. */
  address: string;
  /** Everything it wrote on stdout and stderr so far. */
  output(): string;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<void>;
}

/**
 * Starts `node <script> ...args` (argv, never a shell string) and waits up
 * to `timeoutMs` for its output to match `pattern`. It is killed if it
 * exits or stays silent first.
 */
export async function startListeningChild(script: string, args: readonly string[], env: Record<string, string>, pattern: RegExp, timeoutMs = 60_000): Promise<ListeningChild> {
  const child = spawn(process.execPath, [script, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const exited = once(child, "exit");
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    await exited;
  };
  const address = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start in ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const match = pattern.exec(output);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on("data", read);
    child.stderr.on("data", read);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`${script} exited before it listened:\n${output}`));
    });
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  return { child, address, output: () => output, stop };
}
