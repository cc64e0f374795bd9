#!/usr/bin/env node
// The `ailab` command: build the real context, run, turn the outcome into the exit status.
import { createProcessContext } from "./process-context.js";
import { runCli } from "./run-cli.js";

process.exitCode = await runCli(process.argv.slice(2), createProcessContext());
