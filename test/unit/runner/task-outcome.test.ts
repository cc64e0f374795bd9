import { test } from "node:test";
import assert from "node:assert/strict";
import type { Submit } from "../../../core/protocol/messages.js";
import { failureReason } from "../../../runner-agent/failure-reason.js";
import { DESCRIPTION_CHARS, taskOutcome } from "../../../runner-agent/task-outcome.js";
import type { TaskRow } from "../../../runner-agent/task-rows.js";

function row(changes: Partial<TaskRow>): TaskRow {
  return {
    id: "0123456789-abcd",
    submit: {} as Submit,
    state: "collecting",
    cancelRequested: false,
    cancelReason: null,
    handle: null,
    envDir: null,
    receivedAt: 0,
    startedAt: 0,
    endedAt: 3000,
    exitCode: null,
    outcome: null,
    outcomeDescription: null,
    nextSeq: 0,
    logOffset: 0,
    progressLine: null,
    progressAt: null,
    gpuIds: [],
    ...changes,
  };
}

const reason = failureReason(`Traceback (most recent call last):\n  File "x.py"\nValueError: ${"a very long message ".repeat(20)}\n`);

test("a failure's description names the exit code and the reason, within a commit status's length", () => {
  const outcome = taskOutcome(row({ exitCode: 1 }), [], reason);
  assert.equal(outcome.state, "failure");
  assert.match(outcome.description, /^exit code 1: ValueError: a very long message/);
  assert.ok(outcome.description.length <= DESCRIPTION_CHARS, outcome.description);
  assert.equal(outcome.output, reason!.output);
  assert.deepEqual(taskOutcome(row({ exitCode: 1 })), { state: "failure", description: "exit code 1" }, "no output, no reason");
  assert.match(taskOutcome(row({ exitCode: null }), [], reason).description, /^the job process ended without recording an exit code: ValueError: a very/);
});

test("a sweep names its first failed run's reason; an outcome decided early stands; success has none", () => {
  const runs = [
    { index: 0, parameters: { lr: 1 }, exitCode: 0 },
    { index: 1, parameters: { lr: 2 }, exitCode: 4 },
  ];
  assert.match(taskOutcome(row({}), runs, reason).description, /^1 of 2 runs failed: run 1: ValueError: a very long/);
  assert.deepEqual(taskOutcome(row({ outcome: "failure", outcomeDescription: "time limit reached" }), [], reason), { state: "failure", description: "time limit reached" });
  assert.deepEqual(taskOutcome(row({ exitCode: 0 }), [], reason), { state: "success", description: "completed in 0:00:03" });
});
