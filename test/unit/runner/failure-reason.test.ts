import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { failureReason, OUTPUT_LINE_CHARS, OUTPUT_LINES, REASON_CHARS } from "../../../runner-agent/failure-reason.js";
import { readLogTail, shipLog } from "../../../runner-agent/job-log.js";
import { DirRelayStore } from "../../../core/relay/dir-store.js";
import { tempDir } from "../../helpers/temp-dir.js";

const TRACEBACK = [
  "==> python train.py",
  "Epoch 1/10 loss=0.93",
  "Traceback (most recent call last):",
  '  File "/job/project/train.py", line 12, in <module>',
  "    main()",
  '  File "/job/project/train.py", line 9, in main',
  "    print(1 / 0)",
  "          ~~^~~",
  "ZeroDivisionError: division by zero",
  "",
].join("\n");

test("a Python traceback gives its exception line; the output keeps the last lines without the script's own", () => {
  const reason = failureReason(TRACEBACK)!;
  assert.equal(reason.line, "ZeroDivisionError: division by zero");
  assert.equal(reason.output, TRACEBACK.split("\n").slice(1, -1).join("\n"));
});

test("of chained tracebacks the last one's exception counts, and lines after it do not hide it", () => {
  const chained = [
    "Traceback (most recent call last):",
    '  File "a.py", line 1, in <module>',
    "KeyError: 'lr'",
    "",
    "During handling of the above exception, another exception occurred:",
    "",
    "Traceback (most recent call last):",
    '  File "a.py", line 3, in <module>',
    "RuntimeError: config has no learning rate",
    "wandb: Waiting for W&B process to finish... (failed 1).",
  ].join("\n");
  assert.equal(failureReason(chained)!.line, "RuntimeError: config has no learning rate");
});

test("without a traceback the last line the job wrote counts (stderr and stdout share the log)", () => {
  assert.equal(failureReason("==> ./run.sh\nloading data\nerror: data/train.csv not found\n==> echo done\n")!.line, "error: data/train.csv not found");
  assert.equal(failureReason("progress 10%\rprogress 50%\rKilled\n")!.line, "Killed");
});

test("an empty log, or one with only the script's lines or blanks, gives no reason", () => {
  assert.equal(failureReason(""), undefined);
  assert.equal(failureReason("==> python train.py\n\n   \n\t\n"), undefined);
});

test("terminal escapes, control characters, invalid UTF-8 and bidi overrides do not reach the reason", () => {
  const junk = Buffer.concat([
    Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x00, 0x0a]),
    Buffer.from("\x1b]0;pwned title\x07\x1b[31;1mValueError\x1b[0m: bad \x00\x07\x08value\u202e\x9b\n"),
  ]).toString("utf8");
  const reason = failureReason(junk)!;
  assert.equal(reason.line, "ValueError: bad value");
  // eslint-disable-next-line no-control-regex
  assert.doesNotMatch(reason.output, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e\ufffd]/);
});

test("a huge line is cut to the reason's length; the output to its lines and their length", () => {
  const huge = `RuntimeError: ${"x".repeat(50_000)}`;
  const reason = failureReason(huge)!;
  assert.equal([...reason.line].length, REASON_CHARS);
  assert.ok(reason.line.endsWith("…"));
  const many = Array.from({ length: 50 }, (_, i) => `line ${i} ${"y".repeat(500)}`).join("\n");
  const lines = failureReason(many)!.output.split("\n");
  assert.equal(lines.length, OUTPUT_LINES);
  assert.ok(lines.every((l) => [...l].length <= OUTPUT_LINE_CHARS));
  assert.match(lines[lines.length - 1]!, /^line 49 /);
});

test("a tail cut from a longer log drops its first, partial line", () => {
  assert.equal(failureReason("ror: cut in half\nOSError: disk full\n", true)!.line, "OSError: disk full");
  assert.equal(failureReason("only a fragment", true), undefined);
});

test("the log tail is bounded, and a log the job replaced by a link or a FIFO is not read", async (t) => {
  const dir = await tempDir(t);
  const log = join(dir, "job.log");
  assert.equal(await readLogTail(log, 100), undefined);
  writeFileSync(log, `${"a".repeat(10_000)}\nMemoryError\n`);
  const tail = (await readLogTail(log, 100))!;
  assert.equal(Buffer.byteLength(tail.text), 100);
  assert.equal(tail.partial, true);
  assert.equal(failureReason(tail.text, tail.partial)!.line, "MemoryError");

  const secret = join(dir, "runner-secret");
  writeFileSync(secret, "s3cr3t\n");
  const linked = join(dir, "linked.log");
  symlinkSync(secret, linked);
  assert.equal(await readLogTail(linked, 100), undefined);
  const store = new DirRelayStore(join(dir, "relay"));
  assert.equal(await shipLog(store, "0123456789-abcd", linked, 0), 0, "a linked log is not shipped");
  const fifo = join(dir, "fifo.log");
  execFileSync("mkfifo", [fifo]);
  assert.equal(await readLogTail(fifo, 100), undefined, "a FIFO is not waited on");
});
