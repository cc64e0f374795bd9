import assert from "node:assert/strict";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { runCli } from "../../cli/run-cli.js";
import type { WhoAmI } from "../../core/api/types.js";
import { silentLogger } from "../../core/logger.js";
import { readRunnerConfig } from "../../runner-agent/runner-config.js";
import { openRunnerDb } from "../../runner-agent/runner-db.js";
import { startRunner } from "../../runner-agent/start-runner.js";
import { ACTION_TEST_SECRET, startActionHarness, type ActionHarness } from "../helpers/action-harness.js";
import { cliTestContext } from "../helpers/cli-test-context.js";
import { HOUR_MS, seedFinishedTask } from "../helpers/runner-history.js";
import { tempDir } from "../helpers/temp-dir.js";

const DAY_MS = 24 * HOUR_MS;

/** `ailab <args>` as the user with `token`, logged in to the harness's action; returns what the command printed. */
async function ailabAs(t: TestContext, h: ActionHarness, token: string, args: string[]) {
  const cli = await cliTestContext(t, { env: { AILAB_TOKEN: token } });
  assert.equal(await runCli(["login", h.url], cli.ctx), 0, cli.stderr());
  const [out, err] = [cli.stdout().length, cli.stderr().length];
  const code = await runCli(args, cli.ctx);
  return { code, stdout: cli.stdout().slice(out), stderr: cli.stderr().slice(err) };
}

test("ailab whoami shows the student's own use and budget as the runner's heartbeat reported it", async (t) => {
  const h = await startActionHarness(t);
  // A runner whose database remembers alice's last month: 0.75 GPU-hours 30 days ago,
  // then 0.25 yesterday and a failed 0.25 two days ago.
  const dataDir = join(await tempDir(t, "ailab-runner-"), "runner");
  const db = openRunnerDb(join(dataDir, "runner.db"));
  const now = Date.now();
  seedFinishedTask(db, { user: "alice", gpus: 1, startedAt: now - 30 * DAY_MS, endedAt: now - 30 * DAY_MS + 0.75 * HOUR_MS, outcome: "success" });
  seedFinishedTask(db, { user: "alice", gpus: 1, startedAt: now - DAY_MS, endedAt: now - DAY_MS + 0.25 * HOUR_MS, outcome: "success" });
  seedFinishedTask(db, { user: "alice", gpus: 1, startedAt: now - 2 * DAY_MS, endedAt: now - 2 * DAY_MS + 0.25 * HOUR_MS, outcome: "failure" });
  db.close();
  const config = readRunnerConfig(
    { relayDir: join(h.root, "relay"), dataDir, name: "gpu-box", gpus: "none", maxJobsPerUser: "1", gpuHoursPerUser: "10", pollMinMs: "50", pollMaxMs: "200", heartbeatMs: "200" },
    { AILAB_SECRET: ACTION_TEST_SECRET, PATH: process.env.PATH, HOME: process.env.HOME },
  );
  const runner = await startRunner(config, { logger: silentLogger });
  t.after(() => runner.stop());

  // The runner's first heartbeat reaches the action.
  for (const deadline = Date.now() + 15_000; ; await sleep(50)) {
    const { body } = await h.api(h.tokens.alice, "/api/whoami");
    if ((body as WhoAmI).accounting) break;
    if (Date.now() > deadline) throw new Error(`the action never showed alice's accounting; last ${JSON.stringify(body)}`);
  }

  const alice = await ailabAs(t, h, h.tokens.alice, ["whoami"]);
  assert.equal(alice.code, 0, alice.stderr);
  assert.equal(alice.stdout, "alice · 3 tasks (2 succeeded, 1 failed) · 1.25 GPU-hours · 0.50 of 10 GPU-hours used in the last 7 days · limit 1 job at once\n");

  const json = await ailabAs(t, h, h.tokens.alice, ["whoami", "--json"]);
  const who = JSON.parse(json.stdout) as WhoAmI & { url: string };
  assert.equal(who.url, h.url);
  assert.equal(who.user, "alice");
  assert.equal(who.accounting?.tasks, 3);
  assert.equal(who.accounting?.gpuHoursBudget, 10);
  assert.equal(who.accounting?.maxRunningJobs, 1);
  assert.equal(who.accounting?.gpuHoursInPeriod.toFixed(2), "0.50");
  assert.deepEqual(who.accountingByRunner?.map((r) => r.runner), ["gpu-box"]);

  // The runner, as students see it when they pick gpu_type, partition or cluster.
  const runners = await ailabAs(t, h, h.tokens.bob, ["runners"]);
  assert.equal(runners.code, 0, runners.stderr);
  // The runner's Pythons are those uv has on this machine: only their form is fixed here.
  assert.match(runners.stdout, /^gpu-box {2}local {2}no GPUs {2}0 of 0 GPUs free(?: {2}Python \d+\.\d+\.\d+(?:,\d+\.\d+\.\d+)*)?\n$/);

  // bob never ran anything here: just his name.
  const bob = await ailabAs(t, h, h.tokens.bob, ["whoami"]);
  assert.equal(bob.stdout, "bob\n");
});
