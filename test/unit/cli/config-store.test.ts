import assert from "node:assert/strict";
import { stat, writeFile, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { configDir, fileConfigStore } from "../../../cli/config-store.js";
import { tempDir } from "../../helpers/temp-dir.js";

test("the login is written to a 0600 file in a 0700 folder and read back", async (t) => {
  const root = await tempDir(t);
  const dir = join(root, "config", "ailab");
  const store = fileConfigStore(dir);
  assert.equal(await store.read(), undefined);
  await store.write({ url: "http://127.0.0.1:8080", token: "secret-token-123", user: "alice" });
  assert.equal((await stat(store.path)).mode & 0o777, 0o600);
  assert.equal((await stat(dir)).mode & 0o777, 0o700);
  assert.deepEqual(await store.read(), { url: "http://127.0.0.1:8080", token: "secret-token-123", user: "alice" });
});

test("an existing folder with loose permissions is tightened on write", async (t) => {
  const root = await tempDir(t);
  const dir = join(root, "ailab");
  await mkdir(dir, { mode: 0o755 });
  await fileConfigStore(dir).write({ url: "http://h:1", token: "t", user: "u" });
  assert.equal((await stat(dir)).mode & 0o777, 0o700);
});

test("a config file that is not a login is a ConfigInvalid error", async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, "config.json"), "{not json");
  await assert.rejects(fileConfigStore(dir).read(), { code: "ConfigInvalid" });
  await writeFile(join(dir, "config.json"), JSON.stringify({ url: "http://h:1" }));
  await assert.rejects(fileConfigStore(dir).read(), { code: "ConfigInvalid" });
});

test("configDir follows XDG_CONFIG_HOME, else ~/.config", () => {
  assert.equal(configDir({ XDG_CONFIG_HOME: "/x/conf", HOME: "/home/a" }), "/x/conf/ailab");
  assert.equal(configDir({ HOME: "/home/a" }), "/home/a/.config/ailab");
  assert.equal(configDir({ XDG_CONFIG_HOME: "relative", HOME: "/home/a" }), "/home/a/.config/ailab");
});
