import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import { taskLine } from "../../../cli/format-task.js";
import { runCli } from "../../../cli/run-cli.js";
import { fakeTask, startFakeApi } from "../../helpers/cli-fake-api.js";
import { cliTestContext } from "../../helpers/cli-test-context.js";

async function loggedIn(t: TestContext, initial: Parameters<typeof startFakeApi>[1] = {}) {
  const api = await startFakeApi(t, initial);
  const cli = await cliTestContext(t, { stdin: `${api.state.token}\n` });
  assert.equal(await runCli(["login", api.url], cli.ctx), 0, cli.stderr());
  return { api, cli };
}

test("login reads the token from stdin, checks it, and stores url, token and user (0600)", async (t) => {
  const { api, cli } = await loggedIn(t);
  assert.deepEqual(await cli.ctx.config.read(), { url: api.url, token: api.state.token, user: "alice" });
  assert.equal((await stat(cli.ctx.config.path)).mode & 0o777, 0o600);
  assert.ok(api.state.requests.includes("GET /api/whoami"));
  assert.ok(!cli.stderr().includes(api.state.token));
});

test("login takes AILAB_TOKEN when no --token is given", async (t) => {
  const api = await startFakeApi(t);
  const cli = await cliTestContext(t, { env: { AILAB_TOKEN: api.state.token } });
  assert.equal(await runCli(["login", `${api.url}/`], cli.ctx), 0, cli.stderr());
  assert.equal((await cli.ctx.config.read())?.url, api.url);
});

test("login refuses a URL that is not http(s)", async (t) => {
  const cli = await cliTestContext(t, { stdin: "x" });
  assert.equal(await runCli(["login", "ftp://host"], cli.ctx), 1);
  assert.match(cli.stderr(), /not an http\(s\) URL/);
});

test("whoami prints the user on stdout", async (t) => {
  const { cli } = await loggedIn(t);
  assert.equal(await runCli(["whoami"], cli.ctx), 0);
  assert.equal(cli.stdout(), "alice\n");
});

test("an empty list exits 0: nothing on stdout, [] with --json", async (t) => {
  const { cli } = await loggedIn(t);
  assert.equal(await runCli(["list"], cli.ctx), 0);
  assert.equal(cli.stdout(), "");
  assert.equal(await runCli(["list", "--json"], cli.ctx), 0);
  assert.deepEqual(JSON.parse(cli.stdout()), []);
});

test("list prints one row per task", async (t) => {
  const { cli } = await loggedIn(t, { tasks: [fakeTask({ id: "aaaaaaaaaa-0001" }), fakeTask({ id: "aaaaaaaaaa-0002", state: "running" })] });
  assert.equal(await runCli(["list"], cli.ctx), 0);
  const rows = cli.stdout().trimEnd().split("\n");
  assert.equal(rows.length, 3);
  assert.match(rows[0]!, /^TASK\s+STATE\s+NAME/);
  assert.match(rows[1]!, /^aaaaaaaaaa-0002\s+running/);
});

test("status finds a task by branch name and by full commit", async (t) => {
  const task = fakeTask({ id: "aaaaaaaaaa-0001", branch: "ailab/train" });
  const { cli, api } = await loggedIn(t, { tasks: [task] });
  assert.equal(await runCli(["status", "train"], cli.ctx), 0, cli.stderr());
  assert.ok(api.state.requests.includes("GET /api/tasks?branch=ailab%2Ftrain"));
  assert.equal(await runCli(["status", "--json", task.commit], cli.ctx), 0, cli.stderr());
  assert.equal((JSON.parse(cli.stdout().slice(cli.stdout().indexOf("{"))) as { id: string }).id, task.id);
  assert.equal(await runCli(["status", "nosuchbranch"], cli.ctx), 1);
});

test("logs reads every chunk; --follow waits for the end", async (t) => {
  const task = fakeTask({ id: "aaaaaaaaaa-0001", state: "running" });
  const text = Array.from({ length: 10 }, (_, i) => `Epoch ${i + 1}/10\n`).join("");
  const { cli, api } = await loggedIn(t, { tasks: [task], logs: new Map([[task.id, text.slice(0, 40)]]) });
  assert.equal(await runCli(["logs", task.id], cli.ctx), 0);
  assert.equal(cli.stdout(), text.slice(0, 40));

  const follow = runCli(["logs", "--follow", task.id], cli.ctx);
  setTimeout(() => {
    api.state.logs.set(task.id, text);
    task.state = "success";
  }, 200);
  assert.equal(await follow, 0);
  assert.equal(cli.stdout(), text.slice(0, 40) + text);
});

test("cancel asks the server; an ended task is exit 1", async (t) => {
  const running = fakeTask({ id: "aaaaaaaaaa-0001", state: "running" });
  const { cli, api } = await loggedIn(t, { tasks: [running, fakeTask({ id: "aaaaaaaaaa-0002", state: "success" })] });
  assert.equal(await runCli(["cancel", running.id], cli.ctx), 0, cli.stderr());
  assert.ok(api.state.requests.includes(`POST /api/tasks/${running.id}/cancel`));
  assert.equal(running.state, "cancelled");
  assert.equal(await runCli(["cancel", "aaaaaaaaaa-0002"], cli.ctx), 1);
  assert.match(cli.stderr(), /already ended/);
});

test("submit refuses an invalid task.toml before pushing anything", async (t) => {
  const { cli, api } = await loggedIn(t);
  const git = (...args: string[]) => assert.equal(spawnSync("git", args, { cwd: cli.work, env: cli.ctx.env }).status, 0);
  git("init", "-q", "-b", "main");
  await writeFile(join(cli.work, "task.toml"), '[resources]\ngpus = -1\n[run]\ncommand = "python train.py"\n');
  git("add", "-A");
  git("commit", "-q", "-m", "bad");
  assert.equal(await runCli(["submit"], cli.ctx), 1);
  assert.match(cli.stderr(), /task\.toml: resources\.gpus: /);
  assert.ok(!api.state.requests.some((r) => r.includes("/git/")), api.state.requests.join("\n"));
});

test("submit outside a git repository says so", async (t) => {
  const { cli } = await loggedIn(t);
  assert.equal(await runCli(["submit"], cli.ctx), 1);
  assert.match(cli.stderr(), /not in a git repository/);
});

test("list keeps a task with a multi-line description on one row, cut to a readable length", async (t) => {
  const uvOutput = `error: environment build failed: uv sync exited with 2:\n  × Failed to parse \`uv.lock\`\n\t╰─▶ TOML parse error at line 1\n${"x".repeat(300)}`;
  const { cli } = await loggedIn(t, { tasks: [fakeTask({ id: "aaaaaaaaaa-0001", state: "error", description: uvOutput }), fakeTask({ id: "aaaaaaaaaa-0002" })] });
  assert.equal(await runCli(["list"], cli.ctx), 0);
  const rows = cli.stdout().trimEnd().split("\n");
  assert.equal(rows.length, 3, cli.stdout());
  const errorRow = rows.find((r) => r.startsWith("aaaaaaaaaa-0001"))!;
  const description = errorRow.slice(rows[0]!.indexOf("DESCRIPTION"));
  assert.equal(description, `${"environment build failed: uv sync exited with 2: × Failed to parse `uv.lock` ╰─▶ TOML parse error at line 1 xxxx".slice(0, 79)}…`);
});

test("a failed task's state is said once, not `error: error:`, in status, submit's progress and the exit message", async (t) => {
  const task = fakeTask({ id: "aaaaaaaaaa-0001", state: "error", forgeState: "error", description: "error: no runner offers gpu_type \"h100\": runners offer a100 (gpu1)", exitCode: null });
  const { cli } = await loggedIn(t, { tasks: [task] });
  assert.equal(await runCli(["status", task.id], cli.ctx), 1);
  assert.match(cli.stdout(), /^status: +error · no runner offers gpu_type "h100": runners offer a100 \(gpu1\)$/m);
  assert.match(cli.stderr(), /^error: task aaaaaaaaaa-0001 ended in error: no runner offers gpu_type "h100"/m);
  assert.doesNotMatch(cli.stdout() + cli.stderr(), /error: error:/);
  assert.equal(taskLine(task), 'aaaaaaaaaa-0001 error: no runner offers gpu_type "h100": runners offer a100 (gpu1)');
});
