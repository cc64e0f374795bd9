import assert from "node:assert/strict";
import { test } from "node:test";
import { diffRefs } from "../../../action/push/diff-refs.js";

const A = "a".repeat(40);
const B = "b".repeat(40);

test("one event per ref that moved, appeared or disappeared", () => {
  const stored = new Map([
    ["refs/heads/ailab/same", A],
    ["refs/heads/ailab/moved", A],
    ["refs/heads/ailab/gone", A],
  ]);
  const current = new Map([
    ["refs/heads/ailab/same", A],
    ["refs/heads/ailab/moved", B],
    ["refs/heads/ailab/new", B],
  ]);
  assert.deepEqual(diffRefs("alice/p", stored, current, () => "alice"), [
    { repo: "alice/p", ref: "refs/heads/ailab/gone", before: A, after: null, pusher: "alice" },
    { repo: "alice/p", ref: "refs/heads/ailab/moved", before: A, after: B, pusher: "alice" },
    { repo: "alice/p", ref: "refs/heads/ailab/new", before: null, after: B, pusher: "alice" },
  ]);
  assert.deepEqual(diffRefs("alice/p", current, current, () => "alice"), []);
});
