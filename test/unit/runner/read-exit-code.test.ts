import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { linkSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readExitCode } from "../../../runner-agent/read-exit-code.js";
import { tempDir } from "../../helpers/temp-dir.js";

test("an exit code is read from a plain file of its own; a link, a hard link, a FIFO or a linked folder count as no number", async (t) => {
  const dir = await tempDir(t);
  const secret = join(dir, "secret");
  writeFileSync(secret, "7\n");
  const at = (name: string) => {
    mkdirSync(join(dir, name));
    return join(dir, name, "exit-code");
  };
  assert.equal(readExitCode(at("none")), undefined, "not written yet");
  const plain = at("plain");
  writeFileSync(plain, "3\n");
  assert.equal(readExitCode(plain), 3);
  const linked = at("linked");
  symlinkSync(secret, linked);
  assert.equal(readExitCode(linked), null);
  const hard = at("hard");
  linkSync(secret, hard);
  assert.equal(readExitCode(hard), null);
  const fifo = at("fifo");
  execFileSync("mkfifo", [fifo]);
  assert.equal(readExitCode(fifo), null, "a FIFO is not waited on");
  symlinkSync(join(dir, "plain"), join(dir, "folder-link"));
  assert.equal(readExitCode(join(dir, "folder-link", "exit-code")), null, "the folder is not reached through a link");
  const long = at("long");
  writeFileSync(long, `0${" ".repeat(100)}`);
  assert.equal(readExitCode(long), null);
});
