import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { cp, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import { packageRoot } from "../../core/package-root.js";
import { createS3RelayStore } from "../../core/relay/s3-store.js";
import { BINS, binEnv, runBin } from "../helpers/cli-bins.js";
import { startS3Server } from "../helpers/s3-server.js";
import { tempDir } from "../helpers/temp-dir.js";

// The two agents as separate processes that meet only in an S3 bucket (moto's
// real S3 server on 127.0.0.1, used exactly as MinIO would be), configured the
// way an admin would: --relay s3://BUCKET/PREFIX with AILAB_S3_ENDPOINT and
// the AWS_* keys in the environment.

const RUNNER = join(packageRoot(), "dist", "runner-agent", "main.js");

function startAgent(t: TestContext, script: string, args: string[], env: Record<string, string>): { child: ChildProcess; stderr: () => string } {
  const child = spawn(process.execPath, [script, ...args], { env, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      await exited;
    }
  });
  return { child, stderr: () => stderr };
}

async function waitForText(what: string, read: () => string, pattern: RegExp, timeoutMs = 30_000): Promise<RegExpExecArray> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const match = pattern.exec(read());
    if (match) return match;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}:\n${read()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test("action and runner over an S3 relay: a push, a job, a result", { timeout: 300_000 }, async (t) => {
  const s3 = await startS3Server();
  t.after(() => s3.stop());
  await s3.newStore("ailab-relay");

  const home = await tempDir(t, "ailab-e2e-s3-");
  const secretFile = join(home, "secret");
  await writeFile(secretFile, "s3-e2e-relay-secret-0123456789\n", { mode: 0o600 });
  const env = binEnv(home, {
    AILAB_S3_ENDPOINT: s3.url,
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    AILAB_SECRET_FILE: secretFile,
    AILAB_HEARTBEAT_MS: "500",
  });
  const relay = "s3://ailab-relay/course-2026";

  const action = startAgent(t, BINS.action, ["serve", "--data-dir", join(home, "action"), "--relay", relay, "--listen", "127.0.0.1:0"], env);
  const url = (await waitForText("the action's URL", action.stderr, /listening url="(http:\/\/[^"]+)"/))[1]!;
  startAgent(t, RUNNER, ["run", "--name", "local", "--data-dir", join(home, "runner"), "--relay", relay], env);

  const added = await runBin(BINS.action, ["user", "add", "student", "--data-dir", join(home, "action")], { cwd: home, env });
  assert.equal(added.exitCode, 0, added.stderr);
  const login = await runBin(BINS.ailab, ["login", url], { cwd: home, env, input: added.stdout });
  assert.equal(login.exitCode, 0, login.stderr);

  const project = join(home, "sample-project");
  await cp(join(packageRoot(), "examples", "sample-project"), project, { recursive: true });
  for (const args of [["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "sample"]]) {
    assert.equal(spawnSync("git", args, { cwd: project, env }).status, 0);
  }
  const submit = await runBin(BINS.ailab, ["submit", "--wait"], { cwd: project, env });
  assert.equal(submit.exitCode, 0, `${submit.stderr}\n--- action ---\n${action.stderr()}`);
  const taskId = submit.stdout.trim();

  const pull = await runBin(BINS.ailab, ["pull", taskId], { cwd: project, env });
  assert.equal(pull.exitCode, 0, pull.stderr);
  const metrics = JSON.parse(await readFile(join(project, "results", taskId, "output", "metrics.json"), "utf8")) as { epochs: number };
  assert.equal(metrics.epochs, 10);

  // Everything went through the bucket, under the prefix: objects, the tree, results.
  const bucket = createS3RelayStore({ endpoint: s3.url, region: "us-east-1", bucket: "ailab-relay", prefix: "course-2026/", accessKeyId: "test", secretAccessKey: "test" });
  assert.deepEqual(await bucket.list(`results/${taskId}/`), [`results/${taskId}/logs.tar.gz`, `results/${taskId}/results.tar.gz`, `results/${taskId}/run.json`]);
  assert.ok((await bucket.list("objects/")).length >= 3, "the project's files are objects in the bucket");
  assert.deepEqual(await bucket.list("messages/to-runner/"), [], "the runner's inbox was emptied as it was read");
});
