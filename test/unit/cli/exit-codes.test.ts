import assert from "node:assert/strict";
import { test } from "node:test";
import { CommanderError } from "commander";
import { AuthError, TaskOutcomeError, UsageError } from "../../../cli/cli-errors.js";
import { exitCodeFor, outcomeOf } from "../../../cli/exit-codes.js";
import { runCli } from "../../../cli/run-cli.js";
import type { TaskState } from "../../../core/api/types.js";
import { TaskFileError } from "../../../core/task/parse-task-file.js";
import { cliTestContext } from "../../helpers/cli-test-context.js";
import { fakeTask, startFakeApi } from "../../helpers/cli-fake-api.js";

test("errors map to gh's exit statuses", () => {
  assert.equal(exitCodeFor(new AuthError("no")), 4);
  assert.equal(exitCodeFor(new TaskOutcomeError("TaskFailed", "x")), 1);
  assert.equal(exitCodeFor(new TaskOutcomeError("TaskCancelled", "x")), 2);
  assert.equal(exitCodeFor(new TaskOutcomeError("TaskPending", "x")), 8);
  assert.equal(exitCodeFor(new UsageError("NoTaskFile", "x")), 1);
  assert.equal(exitCodeFor(new TaskFileError([{ file: "task.toml", key: "run", message: "m" }])), 1);
  assert.equal(exitCodeFor(new Error("boom")), 1);
  assert.equal(exitCodeFor(new CommanderError(0, "commander.helpDisplayed", "")), 0);
});

test("a task's state gives the outcome: success none, failure/error 1, cancelled 2, pending 8", () => {
  const of = (state: TaskState) => outcomeOf(fakeTask({ state }));
  assert.equal(of("success"), undefined);
  assert.equal(exitCodeFor(of("failure")), 1);
  assert.equal(exitCodeFor(of("error")), 1);
  assert.equal(exitCodeFor(of("cancelled")), 2);
  for (const state of ["submitted", "queued", "building", "running"] as const) assert.equal(exitCodeFor(of(state)), 8);
});

test("runCli: a command needing a login exits 4 before any login", async (t) => {
  const cli = await cliTestContext(t);
  assert.equal(await runCli(["list"], cli.ctx), 4);
  assert.match(cli.stderr(), /not logged in: run `ailab login URL`/);
});

test("runCli: login with a refused token exits 4 and stores nothing", async (t) => {
  const api = await startFakeApi(t);
  const cli = await cliTestContext(t);
  assert.equal(await runCli(["login", api.url, "--token", "wrong-token"], cli.ctx), 4);
  assert.equal(await cli.ctx.config.read(), undefined);
});

test("runCli: status exits with the task's outcome", async (t) => {
  const api = await startFakeApi(t, {
    tasks: [
      fakeTask({ id: "aaaaaaaaaa-0001", state: "success" }),
      fakeTask({ id: "aaaaaaaaaa-0002", state: "failure", exitCode: 3, description: "exit code 3" }),
      fakeTask({ id: "aaaaaaaaaa-0003", state: "cancelled" }),
      fakeTask({ id: "aaaaaaaaaa-0004", state: "running", exitCode: null }),
    ],
  });
  const cli = await cliTestContext(t, { stdin: api.state.token });
  assert.equal(await runCli(["login", api.url], cli.ctx), 0);
  assert.equal(await runCli(["status", "aaaaaaaaaa-0001"], cli.ctx), 0);
  assert.equal(await runCli(["status", "aaaaaaaaaa-0002"], cli.ctx), 1);
  assert.equal(await runCli(["status", "aaaaaaaaaa-0003"], cli.ctx), 2);
  assert.equal(await runCli(["status", "aaaaaaaaaa-0004"], cli.ctx), 8);
  assert.equal(await runCli(["status", "zzzzzzzzzz-zzzz"], cli.ctx), 1);
  assert.match(cli.stderr(), /exit code 3/);
});

test("runCli: an unexpected error prints one line and exits 1", async (t) => {
  const cli = await cliTestContext(t);
  const { newProgram } = await import("../../../cli/new-program.js");
  const code = await runCli(["boom"], cli.ctx, (ctx) => {
    const program = newProgram(ctx);
    program.command("boom").action(() => Promise.reject(new Error("kaput")));
    return program;
  });
  assert.equal(code, 1);
  assert.equal(cli.stderr(), "error: kaput\n");
});
