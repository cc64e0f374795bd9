import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { createRequire } from "node:module";
import { test } from "node:test";
import { parseDelivery } from "../../../../action/forge/webhook/parse-delivery.js";
import { hasValidSignature } from "../../../../action/forge/webhook/verify-signature.js";

// GitHub's own sample deliveries (npm @octokit/webhooks-examples), read as
// ailab-action reads a GitHub webhook: signature first, then the payload.

interface Example {
  ref: string;
  ref_type?: string;
  after?: string;
  deleted?: boolean;
  repository: { full_name: string };
  sender: { login: string };
}
const events = createRequire(import.meta.url)("@octokit/webhooks-examples/api.github.com/index.json") as { name: string; examples: Example[] }[];
const examples = (name: string) => events.find((e) => e.name === name)!.examples;
const SECRET = "github-webhook-secret-for-tests";

function deliver(event: string, example: unknown) {
  const body = JSON.stringify(example);
  const headers = {
    "x-github-event": event,
    "x-github-delivery": "72d3162e-cc78-11e3-81ab-4c9367dc0958",
    "x-hub-signature-256": `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`,
  };
  assert.equal(hasValidSignature("github", headers, Buffer.from(body), SECRET), true);
  return parseDelivery(headers, body);
}

test("every GitHub push example is read: tags ignored, branches outside ailab/ ignored, deletions seen", () => {
  const pushes = examples("push");
  assert.ok(pushes.length >= 5);
  for (const example of pushes) {
    const parsed = deliver("push", example);
    assert.equal(parsed.kind, "ignored", `${example.ref}: not an ailab branch`);
    // The same delivery for an ailab branch.
    const onAilab = { ...example, ref: example.ref.replace(/^refs\/(heads|tags)\/.*/, "refs/heads/ailab/resnet") };
    const notice = deliver("push", onAilab);
    assert.equal(notice.kind, "notice");
    assert.deepEqual(notice.kind === "notice" && notice.notice, {
      repo: example.repository.full_name,
      ref: "refs/heads/ailab/resnet",
      after: example.deleted ? null : example.after,
      pusher: example.sender.login,
    });
  }
});

test("GitHub delete examples: a branch deletion under ailab/ is a deletion, a tag's is ignored", () => {
  for (const example of examples("delete")) {
    assert.equal(deliver("delete", example).kind, "ignored");
    const branch = deliver("delete", { ...example, ref: "ailab/resnet", ref_type: "branch" });
    assert.deepEqual(branch.kind === "notice" && branch.notice, { repo: example.repository.full_name, ref: "refs/heads/ailab/resnet", after: null, pusher: example.sender.login });
  }
  assert.equal(deliver("ping", examples("ping")[0]).kind, "ignored", "the ping GitHub sends when a hook is made");
});
