import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { hasCode } from "../../../core/errors.js";
import { createRunnerWorld } from "../../helpers/runner-world.js";

// The runner's sandbox setting (AILAB_SANDBOX / --sandbox), decided at start and reported in every heartbeat.

test("by default jobs run in bwrap, and the heartbeat says so", async (t) => {
  const world = await createRunnerWorld(t);
  await world.start();
  await world.inbox.until(() => world.inbox.heartbeats().length > 0, 10_000, "a heartbeat");
  assert.equal(world.inbox.heartbeats().at(-1)!.sandbox, "bwrap");
});

test("sandbox none is the admin's choice, and the heartbeat carries it for the action to show", async (t) => {
  const world = await createRunnerWorld(t);
  await world.start({ sandbox: "none" });
  await world.inbox.until(() => world.inbox.heartbeats().length > 0, 10_000, "a heartbeat");
  assert.equal(world.inbox.heartbeats().at(-1)!.sandbox, "none");
});

test("bwrap asked for but missing, or unable to start a sandbox, stops the runner at start with SandboxUnavailable", async (t) => {
  const world = await createRunnerWorld(t);
  const empty = join(world.root, "empty-bin");
  mkdirSync(empty);
  await assert.rejects(world.start({ sandbox: "bwrap" }, { ...process.env, PATH: empty }), (e) => hasCode(e, "SandboxUnavailable") && e.data.reason === "missing");

  // A node whose kernel refuses unprivileged user namespaces: bwrap is there and fails.
  const broken = join(world.root, "broken-bin");
  mkdirSync(broken);
  writeFileSync(join(broken, "bwrap"), "#!/bin/sh\necho 'bwrap: setting up uid map: Permission denied' >&2\nexit 1\n", { mode: 0o755 });
  await assert.rejects(world.start({}, { ...process.env, PATH: `${broken}:${process.env.PATH ?? ""}` }), (e) => hasCode(e, "SandboxUnavailable") && e.data.reason === "cannot-run" && e.data.stderr === "bwrap: setting up uid map: Permission denied");
});

test("a sandbox setting other than bwrap or none is refused with the forms expected", async (t) => {
  const world = await createRunnerWorld(t);
  assert.throws(() => world.config({ sandbox: "docker" }), (e) => hasCode(e, "ConfigError") && e.data.setting === "--sandbox");
});
