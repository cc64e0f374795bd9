import assert from "node:assert/strict";
import { test } from "node:test";
import { startFakeGitHub } from "../../helpers/forge/fake-github.js";

// The fake GitHub's spec check must catch bad traffic, or an empty
// `violations` proves nothing.

const SHA = "0123456789abcdef0123456789abcdef01234567";

test("the fake GitHub's validator catches bad requests, undocumented routes and bad responses", async (t) => {
  const github = await startFakeGitHub();
  t.after(() => github.stop());
  const alice = github.addUser("alice");
  github.addRepo("alice", "hw3");
  const call = (method: string, path: string, body?: unknown, root = github.apiUrl) =>
    fetch(`${root}${path}`, {
      method,
      headers: { authorization: `token ${alice.token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  // The violations since the last look, as one text (one bad response can fail several schema branches).
  let seen = 0;
  const fresh = () => {
    const text = github.violations.slice(seen).join("\n");
    seen = github.violations.length;
    return text;
  };

  assert.equal((await call("POST", `/repos/alice/hw3/statuses/${SHA}`, { state: "warning" })).status, 400);
  assert.match(fresh(), /repos\/create-commit-status.*state.*allowed values/);

  assert.equal((await call("POST", "/repos/alice/hw3/statuses/" + SHA, { context: "ailab" })).status, 400);
  assert.match(fresh(), /repos\/create-commit-status.*required property 'state'/);

  assert.equal((await call("GET", "/repos/alice/hw3/not-a-route")).status, 404);
  assert.match(fresh(), /GET \/api\/v3\/repos\/alice\/hw3\/not-a-route: no such operation in the GitHub description/);

  // Gitea's paging parameter is not GitHub's.
  await call("GET", "/repos/alice/hw3/releases?limit=5");
  assert.match(fresh(), /repos\/list-releases.*additional properties/);

  github.injectResponse((body) => {
    const { login: _dropped, ...rest } = body as Record<string, unknown>;
    return rest;
  });
  assert.equal((await call("GET", "/user")).status, 200);
  assert.match(fresh(), /users\/get-authenticated.*response 200/);

  // A multipart upload: GitHub would keep the envelope as the file.
  const form = new FormData();
  form.append("attachment", new Blob(["x"]), "x.txt");
  const upload = await fetch(`${github.uploadUrl}/repos/alice/hw3/releases/999/assets?name=x.txt`, {
    method: "POST",
    headers: { authorization: `token ${alice.token}` },
    body: form,
  });
  assert.equal(upload.status, 404);
  assert.match(fresh(), /multipart body to upload-release-asset is stored as the file itself/);
  assert.equal(fresh(), "", "nothing else was flagged");
});
