import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { hasCode } from "../../../core/errors.js";
import { sha256 } from "../../../core/hash.js";
import { DirRelayStore } from "../../../core/relay/dir-store.js";
import { publishEnv } from "../../../core/snapshot/publish-snapshot.js";
import { ObjectCache } from "../../../runner-agent/object-cache.js";
import { runProcess, type ProcessRunner } from "../../../runner-agent/process-runner.js";
import { UvEnvBuilder } from "../../../runner-agent/uv-env-builder.js";
import { tempDir } from "../../helpers/temp-dir.js";

test("the runner checks a manifest's wheel names with the parser's isWheelFileName: one uv would refuse is BadManifest, before uv runs", async (t) => {
  const root = await tempDir(t);
  const store = new DirRelayStore(join(root, "relay"));
  const object = sha256(Buffer.from("x"));
  await store.put(`objects/${object}`, Buffer.from("x"));
  const env = await publishEnv(store, { pyproject: object, lockfile: object, wheels: [{ name: "my_op-0.1.0-cp310-linux_x86_64.whl", object }] });
  const ran: string[][] = [];
  const run: ProcessRunner = (argv, opts) => {
    ran.push([...argv]);
    return runProcess(argv, opts);
  };
  const builder = new UvEnvBuilder({
    root: join(root, "envs"),
    uvPath: "uv",
    baseEnv: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? root },
    uvEnv: {},
    relay: store,
    objects: new ObjectCache(join(root, "objects"), store),
    run,
  });
  await assert.rejects(builder.ensure(env), (e: unknown) => hasCode(e, "BadManifest") && e.message.includes("my_op-0.1.0-cp310-linux_x86_64.whl"));
  assert.deepEqual(ran.filter((argv) => argv[1] !== "--version"), []);
});
