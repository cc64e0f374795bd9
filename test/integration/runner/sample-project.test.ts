import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../../../core/package-root.js";
import { readArchive } from "../../helpers/runner-artifacts.js";
import { publishProject, sendToRunner } from "../../helpers/runner-project.js";
import { createRunnerWorld, TEST_RUNNER, TEST_SECRET } from "../../helpers/runner-world.js";

test("the sample project (numpy from its uv.lock) trains on the runner and its results come back", async (t) => {
  const sample = join(packageRoot(), "examples", "sample-project");
  const files: Record<string, string> = {};
  for (const name of readdirSync(sample)) files[name] = readFileSync(join(sample, name), "utf8");
  const world = await createRunnerWorld(t);
  const project = await publishProject(t, world.store, files);
  await world.start();
  const submit = project.submit();
  await sendToRunner(world.store, TEST_SECRET, TEST_RUNNER, submit);
  const done = await world.inbox.completion(submit.taskId, 300_000);
  assert.equal(done.state, "success", done.description);
  const results = await readArchive(world.store, done, "results.tar.gz", world.root);
  assert.ok([...results.keys()].some((name) => name.startsWith("output/")), [...results.keys()].join(", "));
  const running = world.inbox.events(submit.taskId).filter((e) => e.state === "running");
  assert.ok(running.length >= 1);
});
