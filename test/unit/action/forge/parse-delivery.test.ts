import assert from "node:assert/strict";
import { test } from "node:test";
import { parseDelivery } from "../../../../action/forge/webhook/parse-delivery.js";

const A = "a".repeat(40);
const ZERO = "0".repeat(40);
const repository = { full_name: "Alice/hw3", owner: { login: "Alice" }, clone_url: "https://evil.example/x.git" };
const gitea = (event: string) => ({ "x-gitea-event": event, "x-gitea-delivery": "0b0d4a9e-1f0c-4e8e-9d5b-0c1f5a9b2c3d" });

test("a Gitea push to an ailab branch is a notice naming the repository, ref, commit and pusher", () => {
  const body = JSON.stringify({ ref: "refs/heads/ailab/train", before: ZERO, after: A, repository, pusher: { login: "alice" }, sender: { login: "alice" } }, null, 2);
  assert.deepEqual(parseDelivery(gitea("push"), body), {
    kind: "notice",
    event: "push",
    deliveryId: "0b0d4a9e-1f0c-4e8e-9d5b-0c1f5a9b2c3d",
    notice: { repo: "Alice/hw3", ref: "refs/heads/ailab/train", after: A, pusher: "alice" },
  });
});

test("Gitea's delete event (short ref name, no push) and GitHub's push with deleted: true are deletions", () => {
  const del = JSON.stringify({ ref: "ailab/train", ref_type: "branch", pusher_type: "user", repository, sender: { login: "alice" } });
  const parsed = parseDelivery(gitea("delete"), del);
  assert.equal(parsed.kind, "notice");
  assert.deepEqual(parsed.kind === "notice" && parsed.notice, { repo: "Alice/hw3", ref: "refs/heads/ailab/train", after: null, pusher: "alice" });
  const gh = JSON.stringify({ ref: "refs/heads/ailab/train", before: A, after: ZERO, deleted: true, repository, pusher: { name: "alice", email: "a@x" }, sender: { login: "alice" } });
  const ghParsed = parseDelivery({ "x-github-event": "push", "x-github-delivery": "1" }, gh);
  assert.deepEqual(ghParsed.kind === "notice" && ghParsed.notice, { repo: "Alice/hw3", ref: "refs/heads/ailab/train", after: null, pusher: "alice" });
});

test("tags, other branches and other events are ignored; a body without what is needed is invalid", () => {
  const tag = JSON.stringify({ ref: "refs/tags/v1", before: ZERO, after: A, repository, pusher: { login: "alice" } });
  assert.equal(parseDelivery(gitea("push"), tag).kind, "ignored");
  const main = JSON.stringify({ ref: "refs/heads/main", before: ZERO, after: A, repository, pusher: { login: "alice" } });
  assert.equal(parseDelivery(gitea("push"), main).kind, "ignored");
  assert.equal(parseDelivery(gitea("status"), "{}").kind, "ignored", "ailab's own statuses fire `status` events");
  assert.equal(parseDelivery(gitea("delete"), JSON.stringify({ ref: "v1", ref_type: "tag", repository, sender: { login: "alice" } })).kind, "ignored");
  assert.equal(parseDelivery({}, "{}").kind, "invalid");
  assert.equal(parseDelivery(gitea("push"), "not json").kind, "invalid");
  assert.equal(parseDelivery(gitea("push"), JSON.stringify({ ref: "refs/heads/ailab/x", after: A, pusher: { login: "a" } })).kind, "invalid");
  assert.equal(parseDelivery(gitea("push"), JSON.stringify({ ref: "refs/heads/ailab/x", after: "HEAD", repository, pusher: { login: "a" } })).kind, "invalid");
});
