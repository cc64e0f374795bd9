import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { packageRoot } from "../../../../core/package-root.js";
import { parseDelivery } from "../../../../action/forge/webhook/parse-delivery.js";
import { hasValidSignature } from "../../../../action/forge/webhook/verify-signature.js";
import { fallbackTaskName } from "../../../../action/submit/fallback-task-name.js";
import { deliveryHeaders, readWorkflowPush, statusContext, WorkflowInputError } from "../../../../action/workflow/workflow-push.mjs";

// The workflow action's delivery, read by the endpoint it goes to: what the
// script builds from an Actions push must be what ailab-action's webhook
// takes, signature first, for every forge kind.

const SECRET = "workflow-secret-for-tests-0123";
const A = "a".repeat(40);
const ZERO = "0".repeat(40);

const inputs = { INPUT_SERVER: "https://ailab.example.org/", INPUT_SECRET: SECRET, INPUT_TOKEN: "job-token", GITHUB_EVENT_NAME: "push" };

/** Sends `push` through the endpoint's own checks, as `kind` would be configured. */
function receive(kind: "gitea" | "forgejo" | "github", push: ReturnType<typeof readWorkflowPush>) {
  const headers = Object.fromEntries(Object.entries(deliveryHeaders(push)).map(([k, v]) => [k.toLowerCase(), v]));
  assert.equal(hasValidSignature(kind, headers, Buffer.from(push.body, "utf8"), SECRET), true, `${kind} accepts the signature`);
  assert.equal(hasValidSignature(kind, headers, Buffer.from(push.body, "utf8"), "another-secret-entirely"), false);
  return parseDelivery(headers, push.body);
}

test("a Gitea push event becomes a delivery every forge kind's endpoint verifies and reads as the same push", () => {
  // Gitea's push payload as a workflow gets it (trimmed): pusher with login, a commit list, URLs.
  const event = JSON.stringify({
    ref: "refs/heads/ailab/train",
    before: ZERO,
    after: A,
    compare_url: "https://evil.example/compare",
    commits: [{ id: A, url: "https://evil.example/c" }],
    repository: { full_name: "Alice/hw3", clone_url: "https://evil.example/x.git" },
    pusher: { login: "alice", username: "alice" },
    sender: { login: "alice" },
  });
  const push = readWorkflowPush({ ...inputs, GITHUB_REPOSITORY: "Alice/hw3", GITHUB_REF: "refs/heads/ailab/train", GITHUB_SHA: A, GITHUB_ACTOR: "alice", GITHUB_RUN_ID: "42" }, event);
  assert.equal(push.webhookUrl, "https://ailab.example.org/forge/webhook");
  assert.equal(push.context, "ailab/train");
  assert.equal(push.deliveryId, "actions-run-42-1");
  assert.doesNotMatch(push.body, /evil\.example/, "no URL or commit list from the event is passed on");
  for (const kind of ["gitea", "forgejo", "github"] as const) {
    assert.deepEqual(receive(kind, push), {
      kind: "notice",
      event: "push",
      deliveryId: "actions-run-42-1",
      notice: { repo: "Alice/hw3", ref: "refs/heads/ailab/train", after: A, pusher: "alice" },
    });
  }
});

test("GitHub's own push examples: the pusher is the sender's login; a deleted branch is a deletion with no status", () => {
  type Example = { ref: string; after: string; deleted: boolean; repository: { full_name: string }; sender: { login: string } };
  const events = createRequire(import.meta.url)("@octokit/webhooks-examples/api.github.com/index.json") as { name: string; examples: Example[] }[];
  const pushes = events.find((e) => e.name === "push")!.examples;
  for (const example of pushes) {
    const event = JSON.stringify({ ...example, ref: "refs/heads/ailab/run" });
    const push = readWorkflowPush({ ...inputs, GITHUB_REPOSITORY: example.repository.full_name, GITHUB_REF: "refs/heads/ailab/run" }, event);
    const parsed = receive("github", push);
    assert.equal(parsed.kind, "notice");
    const notice = parsed.kind === "notice" ? parsed.notice : undefined;
    assert.equal(notice?.pusher, example.sender.login);
    const deleted = example.deleted || /^0+$/.test(example.after);
    assert.equal(notice?.after, deleted ? null : example.after);
    assert.equal(push.context, deleted ? undefined : "ailab/run", "a deletion gets no pending status");
  }
});

test("the status context is the action's own default task name for the branch", () => {
  for (const branch of ["ailab/train", "ailab/exp/lr-0.1", "ailab/.hidden", "ailab/a..b", "ailab/x.lock", "ailab/ünï", "ailab/" + "n".repeat(80), "ailab/-"]) {
    assert.equal(statusContext(`refs/heads/${branch}`), `ailab/${fallbackTaskName(branch)}`, branch);
  }
});

test("missing inputs, another event, a non-branch ref or a bad event are WorkflowInputErrors with a code", () => {
  const event = JSON.stringify({ ref: "refs/heads/ailab/t", after: A, repository: { full_name: "a/b" }, pusher: { login: "a" } });
  const codeOf = (env: Record<string, string>, json = event) => {
    try {
      readWorkflowPush(env, json);
      return "none";
    } catch (e) {
      assert.ok(e instanceof WorkflowInputError);
      return e.code;
    }
  };
  assert.equal(codeOf({ ...inputs, INPUT_SERVER: "" }), "MissingInput");
  assert.equal(codeOf({ ...inputs, INPUT_SECRET: "  " }), "MissingInput");
  assert.equal(codeOf({ ...inputs, INPUT_SERVER: "ftp://x" }), "BadInput");
  assert.equal(codeOf({ ...inputs, INPUT_SERVER: "https://u:p@x/" }), "BadInput");
  assert.equal(codeOf({ ...inputs, GITHUB_EVENT_NAME: "pull_request" }), "NotAPush");
  assert.equal(codeOf({ ...inputs, GITHUB_REF: "refs/tags/v1" }), "NotAPush");
  assert.equal(codeOf(inputs, "[1]"), "BadEvent");
  assert.equal(codeOf(inputs, JSON.stringify({ ref: "refs/heads/ailab/t", after: "HEAD", repository: { full_name: "a/b" }, pusher: { login: "a" } })), "BadEvent");
  assert.equal(codeOf(inputs), "none");
});

test("action.yml runs the committed script on node20 and declares every input the script reads", () => {
  const dir = join(packageRoot(), "action");
  const yml = readFileSync(join(dir, "action.yml"), "utf8");
  assert.match(yml, /^runs:\n {2}using: node20\n {2}main: (\S+)$/m);
  const main = /^ {2}main: (\S+)$/m.exec(yml)![1]!;
  assert.ok(existsSync(join(dir, main)), `${main} is committed next to action.yml`);
  const declared = [...yml.matchAll(/^ {2}([a-z-]+):\n {4}description:/gm)].map((m) => m[1]!.toUpperCase());
  const sources = ["submit.mjs", "workflow-push.mjs"].map((f) => readFileSync(join(dirname(join(dir, main)), f), "utf8")).join("\n");
  const read = [...new Set([...sources.matchAll(/INPUT_([A-Z_]+)/g)].map((m) => m[1]!))].sort();
  assert.deepEqual(read, [...declared].sort());
  assert.match(yml, /^ {4}default: \$\{\{ github\.token \}\}$/m, "the token defaults to the job token");
  // No import but node: built-ins and its own files: the runner does no npm install.
  for (const [, spec] of sources.matchAll(/from "([^"]+)"/g)) assert.match(spec!, /^(node:|\.\/)/);
});
