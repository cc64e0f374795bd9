#!/usr/bin/env node
// The `ailab-action` command: parse, run, and turn the outcome into the exit status.
import { CommanderError } from "commander";
import { AilabError } from "../core/errors.js";
import { createActionCommands } from "./command-line/action-commands.js";
import { buildActionProgram } from "./command-line/build-action-program.js";

const stop = new AbortController();
for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => stop.abort());
const commands = createActionCommands({ env: process.env, stdout: process.stdout, stderr: process.stderr, stopSignal: () => stop.signal });
const program = buildActionProgram(commands, { writeOut: (t) => process.stdout.write(t), writeErr: (t) => process.stderr.write(t) });

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) process.exitCode = e.exitCode;
  else if (e instanceof AilabError) {
    console.error(`ailab-action: ${e.message}`);
    process.exitCode = 1;
  } else {
    console.error("ailab-action: unexpected error:", e);
    process.exitCode = 1;
  }
}
