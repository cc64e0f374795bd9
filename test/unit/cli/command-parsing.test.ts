import assert from "node:assert/strict";
import { test } from "node:test";
import { CommanderError } from "commander";
import { buildProgram } from "../../../cli/build-program.js";
import type { CliContext } from "../../../cli/cli-context.js";
import { registerCancel } from "../../../cli/commands/cancel.js";
import { registerInit } from "../../../cli/commands/init.js";
import { registerList } from "../../../cli/commands/list.js";
import { registerLogin } from "../../../cli/commands/login.js";
import { registerLogs } from "../../../cli/commands/logs.js";
import { registerPull } from "../../../cli/commands/pull.js";
import { registerStatus } from "../../../cli/commands/status.js";
import { registerSubmit } from "../../../cli/commands/submit.js";
import { registerUp } from "../../../cli/commands/up.js";
import { registerValidate } from "../../../cli/commands/validate.js";
import { registerWhoami } from "../../../cli/commands/whoami.js";
import { newProgram, type CommandDeps } from "../../../cli/new-program.js";
import { cliTestContext } from "../../helpers/cli-test-context.js";

type Register<O> = (program: ReturnType<typeof newProgram>, deps: CommandDeps<O>) => unknown;

/** Parses argv with only one command registered, its run replaced by a recorder; returns the options it got. */
async function parse<O>(ctx: CliContext, register: Register<O>, argv: string[]): Promise<O> {
  const program = newProgram(ctx);
  let got: O | undefined;
  register(program, { ctx, run: (_ctx, options) => Promise.resolve(void (got = options)) });
  await program.parseAsync(argv, { from: "user" });
  assert.ok(got !== undefined, "the run function was not called");
  return got;
}

async function parseError<O>(ctx: CliContext, register: Register<O>, argv: string[]): Promise<CommanderError> {
  const program = newProgram(ctx);
  register(program, { ctx, run: () => Promise.reject(new Error("must not run")) });
  const error = await program.parseAsync(argv, { from: "user" }).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(error instanceof CommanderError, `expected a CommanderError, got ${String(error)}`);
  return error;
}

test("init: folder defaults to . and --force", async (t) => {
  const { ctx } = await cliTestContext(t);
  assert.deepEqual(await parse(ctx, registerInit, ["init"]), { dir: ".", force: false });
  assert.deepEqual(await parse(ctx, registerInit, ["init", "--force", "proj"]), { dir: "proj", force: true });
});

test("validate: dir, --render, --json, --scheduler and --sweep-index", async (t) => {
  const { ctx } = await cliTestContext(t);
  assert.deepEqual(await parse(ctx, registerValidate, ["validate"]), { dir: ".", render: false, json: false, scheduler: "slurm" });
  assert.deepEqual(await parse(ctx, registerValidate, ["validate", "--render", "--scheduler", "local", "--sweep-index", "2", "sub"]), {
    dir: "sub",
    render: true,
    json: false,
    scheduler: "local",
    sweepIndex: 2,
  });
  assert.equal((await parseError(ctx, registerValidate, ["validate", "--scheduler", "pbs"])).exitCode, 1);
  assert.equal((await parseError(ctx, registerValidate, ["validate", "--sweep-index", "-1"])).exitCode, 1);
});

test("login: URL required, --token optional", async (t) => {
  const { ctx } = await cliTestContext(t);
  assert.deepEqual(await parse(ctx, registerLogin, ["login", "http://127.0.0.1:8080"]), { url: "http://127.0.0.1:8080" });
  assert.deepEqual(await parse(ctx, registerLogin, ["login", "http://h:1", "--token", "T"]), { url: "http://h:1", token: "T" });
  assert.equal((await parseError(ctx, registerLogin, ["login"])).code, "commander.missingArgument");
});

test("whoami: --json", async (t) => {
  const { ctx } = await cliTestContext(t);
  assert.deepEqual(await parse(ctx, registerWhoami, ["whoami"]), { json: false });
  assert.deepEqual(await parse(ctx, registerWhoami, ["whoami", "--json"]), { json: true });
});

test("submit: --wait and --name", async (t) => {
  const { ctx } = await cliTestContext(t);
  assert.deepEqual(await parse(ctx, registerSubmit, ["submit"]), { wait: false });
  assert.deepEqual(await parse(ctx, registerSubmit, ["submit", "--wait", "--name", "resnet"]), { wait: true, name: "resnet" });
  assert.equal((await parseError(ctx, registerSubmit, ["submit", "--name"])).code, "commander.optionMissingArgument");
  assert.equal((await parseError(ctx, registerSubmit, ["submit", "extra"])).code, "commander.excessArguments");
});

test("status, logs, cancel, pull take one task reference", async (t) => {
  const { ctx } = await cliTestContext(t);
  assert.deepEqual(await parse(ctx, registerStatus, ["status", "abc1234", "--json"]), { ref: "abc1234", json: true });
  assert.deepEqual(await parse(ctx, registerLogs, ["logs", "-f", "ailab/train"]), { ref: "ailab/train", follow: true });
  assert.deepEqual(await parse(ctx, registerLogs, ["logs", "train"]), { ref: "train", follow: false });
  assert.deepEqual(await parse(ctx, registerCancel, ["cancel", "mfz3k2a1b0-7f2k"]), { ref: "mfz3k2a1b0-7f2k" });
  assert.deepEqual(await parse(ctx, registerPull, ["pull", "mfz3k2a1b0-7f2k"]), { ref: "mfz3k2a1b0-7f2k" });
  assert.deepEqual(await parse(ctx, registerPull, ["pull", "x", "-o", "out"]), { ref: "x", output: "out" });
  assert.equal((await parseError(ctx, registerStatus, ["status"])).code, "commander.missingArgument");
  assert.equal((await parseError(ctx, registerLogs, ["logs"])).code, "commander.missingArgument");
  assert.equal((await parseError(ctx, registerCancel, ["cancel"])).code, "commander.missingArgument");
  assert.equal((await parseError(ctx, registerPull, ["pull"])).code, "commander.missingArgument");
});

test("list: --json, --repo, --branch", async (t) => {
  const { ctx } = await cliTestContext(t);
  assert.deepEqual(await parse(ctx, registerList, ["list"]), { json: false });
  assert.deepEqual(await parse(ctx, registerList, ["ls", "--json", "--repo", "alice/p", "--branch", "ailab/x"]), {
    json: true,
    repo: "alice/p",
    branch: "ailab/x",
  });
});

test("up: --dir, --host and --port with defaults; a bad port is refused", async (t) => {
  const { ctx } = await cliTestContext(t);
  assert.deepEqual(await parse(ctx, registerUp, ["up"]), { dir: ".ailab", host: "127.0.0.1", port: 8080 });
  assert.deepEqual(await parse(ctx, registerUp, ["up", "--dir", "/srv/ailab", "--port", "0"]), { dir: "/srv/ailab", host: "127.0.0.1", port: 0 });
  assert.equal((await parseError(ctx, registerUp, ["up", "--port", "70000"])).exitCode, 1);
  assert.equal((await parseError(ctx, registerUp, ["up", "--port", "http"])).exitCode, 1);
});

test("--help names every command and the exit statuses", async (t) => {
  const { ctx, stdout } = await cliTestContext(t);
  const error = await buildProgram(ctx)
    .parseAsync(["--help"], { from: "user" })
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  assert.ok(error instanceof CommanderError);
  assert.equal(error.exitCode, 0);
  for (const name of ["init", "validate", "login", "whoami", "submit", "status", "list", "logs", "cancel", "pull", "up"]) {
    assert.match(stdout(), new RegExp(`^\\s+${name}\\b`, "m"), `help lists ${name}`);
  }
  assert.match(stdout(), /4 not logged in/);
});

test("an unknown command is a usage error with exit 1", async (t) => {
  const { ctx, stderr } = await cliTestContext(t);
  const error = await buildProgram(ctx)
    .parseAsync(["sumbit"], { from: "user" })
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  assert.ok(error instanceof CommanderError);
  assert.equal(error.exitCode, 1);
  assert.match(stderr(), /submit/); // the suggestion
});
