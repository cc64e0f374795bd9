import assert from "node:assert/strict";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import * as tar from "tar";
import { runCli } from "../../../cli/run-cli.js";
import { fakeTask, startFakeApi } from "../../helpers/cli-fake-api.js";
import { cliTestContext } from "../../helpers/cli-test-context.js";
import { tempDir } from "../../helpers/temp-dir.js";

const ID = "mfz3k2a1b0-7f2k";

/** A gzipped tar of `files` (path → text), made with node-tar; `preservePaths` keeps `..` and `/` entries. */
async function archive(t: TestContext, files: Record<string, string>, preservePaths = false): Promise<Buffer> {
  const dir = await tempDir(t, "ailab-archive-");
  const src = join(dir, "a", "b");
  await mkdir(src, { recursive: true });
  for (const [path, text] of Object.entries(files)) {
    const full = path.startsWith("/") ? path : join(src, path);
    await mkdir(join(full, ".."), { recursive: true });
    await writeFile(full, text);
  }
  const file = join(dir, "out.tar.gz");
  await tar.c({ cwd: src, file, gzip: true, preservePaths }, Object.keys(files));
  return readFile(file);
}

async function loggedIn(t: TestContext, artifacts: Map<string, Buffer>, state: "success" | "running" = "success") {
  const api = await startFakeApi(t, { tasks: [fakeTask({ id: ID, state })], artifacts: new Map([[ID, artifacts]]) });
  const cli = await cliTestContext(t, { stdin: api.state.token });
  assert.equal(await runCli(["login", api.url], cli.ctx), 0);
  return { api, cli };
}

test("pull puts results, logs and run.json into ./results/<task id>/ and prints the folder", async (t) => {
  const artifacts = new Map([
    ["results.tar.gz", await archive(t, { "output/metrics.json": '{"accuracy":0.9}' })],
    ["logs.tar.gz", await archive(t, { "logs/train.log": "Epoch 1/10\n" })],
    ["run.json", Buffer.from('{"exitCode":0}')],
  ]);
  const { cli } = await loggedIn(t, artifacts);
  assert.equal(await runCli(["pull", ID], cli.ctx), 0);
  const dir = join(cli.work, "results", ID);
  assert.equal(cli.stdout(), dir + "\n");
  assert.equal(await readFile(join(dir, "output", "metrics.json"), "utf8"), '{"accuracy":0.9}');
  assert.equal(await readFile(join(dir, "logs", "train.log"), "utf8"), "Epoch 1/10\n");
  assert.equal(await readFile(join(dir, "run.json"), "utf8"), '{"exitCode":0}');
  assert.deepEqual((await readdir(dir)).sort(), ["logs", "output", "run.json"]);
  assert.match(cli.stderr(), /downloading results\.tar\.gz/);
});

test("a failed pull leaves a folder that was already there as it was", async (t) => {
  const { api, cli } = await loggedIn(t, new Map([["run.json", Buffer.from("{}")]]));
  api.state.listedSha256.set("run.json", "0".repeat(64));
  await mkdir(join(cli.work, "mine"));
  await writeFile(join(cli.work, "mine", "notes.txt"), "keep");
  assert.equal(await runCli(["pull", ID, "-o", "mine"], cli.ctx), 1);
  assert.deepEqual(await readdir(join(cli.work, "mine")), ["notes.txt"]);
});

test("pull -o writes where asked", async (t) => {
  const { cli } = await loggedIn(t, new Map([["run.json", Buffer.from("{}")]]));
  assert.equal(await runCli(["pull", ID, "-o", "elsewhere"], cli.ctx), 0);
  assert.equal(await readFile(join(cli.work, "elsewhere", "run.json"), "utf8"), "{}");
});

test("an artifact whose sha256 does not match is refused", async (t) => {
  const { api, cli } = await loggedIn(t, new Map([["run.json", Buffer.from("{}")]]));
  api.state.listedSha256.set("run.json", "0".repeat(64));
  assert.equal(await runCli(["pull", ID], cli.ctx), 1);
  assert.match(cli.stderr(), /run\.json: got 2 bytes with sha256/);
  assert.deepEqual(await readdir(cli.work), []); // not even the folder it made
});

test("an archive entry with .. fails the pull and writes nothing outside the folder", async (t) => {
  const bad = await archive(t, { "ok.txt": "ok", "../../escaped.txt": "evil" }, true);
  const { cli } = await loggedIn(t, new Map([["results.tar.gz", bad]]));
  assert.equal(await runCli(["pull", ID], cli.ctx), 1);
  assert.match(cli.stderr(), /UnsafeArchive|refused/);
  assert.deepEqual(await readdir(cli.work), []);
});

test("a task that has not ended cannot be pulled yet: exit 8", async (t) => {
  const { cli } = await loggedIn(t, new Map(), "running");
  assert.equal(await runCli(["pull", ID], cli.ctx), 8);
  assert.match(cli.stderr(), /still running/);
});
