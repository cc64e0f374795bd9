import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { test } from "node:test";
import { hasValidSignature } from "../../../../action/forge/webhook/verify-signature.js";

// Gitea's own example (shared/gitea-api.md): secret s3cr3t over this exact body.
const BODY = Buffer.from('{\n  "ref": "refs/heads/main"\n}');
const VECTOR = "e05e3b315282b23938d3199e60a7493fab14cd10760525a312981533681c3bcf";

test("Gitea's bare-hex signature is checked over the raw bytes (the known test vector)", () => {
  assert.equal(hasValidSignature("gitea", { "x-gitea-signature": VECTOR }, BODY, "s3cr3t"), true);
  assert.equal(hasValidSignature("gitea", { "x-gitea-signature": VECTOR.toUpperCase() }, BODY, "s3cr3t"), true);
  // The same JSON re-serialised is other bytes: refused.
  assert.equal(hasValidSignature("gitea", { "x-gitea-signature": VECTOR }, Buffer.from('{"ref":"refs/heads/main"}'), "s3cr3t"), false);
  assert.equal(hasValidSignature("gitea", { "x-gitea-signature": VECTOR }, BODY, "other-secret"), false);
});

test("missing, empty, malformed and wrong signatures are all refused", () => {
  assert.equal(hasValidSignature("gitea", {}, BODY, "s3cr3t"), false);
  // A hook without a secret sends the headers empty, and X-Hub-Signature-256 as a bare prefix.
  assert.equal(hasValidSignature("gitea", { "x-gitea-signature": "", "x-hub-signature-256": `sha256=${VECTOR}` }, BODY, "s3cr3t"), false);
  assert.equal(hasValidSignature("github", { "x-hub-signature-256": "sha256=" }, BODY, "s3cr3t"), false);
  assert.equal(hasValidSignature("github", { "x-hub-signature-256": VECTOR }, BODY, "s3cr3t"), false, "GitHub's needs its sha256= prefix");
  assert.equal(hasValidSignature("gitea", { "x-gitea-signature": VECTOR.slice(0, 63) }, BODY, "s3cr3t"), false);
  assert.equal(hasValidSignature("gitea", { "x-gitea-signature": "0".repeat(64) }, BODY, "s3cr3t"), false);
});

test("each forge's header is read: X-Forgejo-Signature, X-Hub-Signature-256 (GitHub reads nothing else)", () => {
  const secret = "a-long-webhook-secret";
  const hex = createHmac("sha256", secret).update(BODY).digest("hex");
  assert.equal(hasValidSignature("forgejo", { "x-forgejo-signature": hex }, BODY, secret), true);
  assert.equal(hasValidSignature("github", { "x-hub-signature-256": `sha256=${hex}` }, BODY, secret), true);
  assert.equal(hasValidSignature("github", { "x-gitea-signature": hex }, BODY, secret), false);
  assert.equal(hasValidSignature("gitea", { "x-hub-signature-256": `sha256=${hex}` }, BODY, secret), true);
});
