import assert from "node:assert/strict";
import { test } from "node:test";
import { startFakeGitea } from "../../helpers/forge/fake-gitea.js";

// The fake Gitea's spec check must catch bad traffic, or an empty
// `violations` proves nothing.

const SHA = "0123456789abcdef0123456789abcdef01234567";

test("the fake Gitea's validator catches bad requests, undocumented routes and bad responses", async (t) => {
  const gitea = await startFakeGitea();
  t.after(() => gitea.stop());
  const alice = gitea.addUser("alice");
  gitea.addRepo("alice", "hw3");
  const call = (method: string, path: string, body?: unknown) =>
    fetch(`${gitea.apiUrl}${path}`, {
      method,
      headers: { authorization: `token ${alice.token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  // A value outside the enum.
  const bogus = await call("POST", `/repos/alice/hw3/statuses/${SHA}`, { state: "bogus", context: "ailab" });
  assert.equal(bogus.status, 400);
  assert.equal(gitea.violations.length, 1);
  assert.match(gitea.violations[0] ?? "", /POST \/api\/v1\/repos\/alice\/hw3\/statuses\/.*repoCreateStatus.*state.*allowed values/);

  // A missing required field (CreateReleaseOption.tag_name).
  const noTag = await call("POST", "/repos/alice/hw3/releases", { name: "x" });
  assert.equal(noTag.status, 400);
  assert.match(gitea.violations[1] ?? "", /repoCreateRelease.*tag_name/);

  // A wrongly typed query parameter, and one Gitea does not have (per_page).
  await call("GET", "/repos/alice/hw3/releases?page=first");
  assert.match(gitea.violations[2] ?? "", /repoListReleases.*page/);
  await call("GET", "/repos/alice/hw3/releases?per_page=5");
  assert.match(gitea.violations[3] ?? "", /repoListReleases.*additional properties/);

  // A route the description does not have: 404, like Gitea.
  const unknown = await call("GET", "/repos/alice/hw3/no-such-thing");
  assert.equal(unknown.status, 404);
  assert.match(gitea.violations[4] ?? "", /GET \/api\/v1\/repos\/alice\/hw3\/no-such-thing: no such operation/);

  // A content type the operation does not consume.
  const asJson = await fetch(`${gitea.apiUrl}/repos/alice/hw3/releases/1/assets?name=a.txt`, {
    method: "POST",
    headers: { authorization: `token ${alice.token}`, "content-type": "application/json" },
    body: "{}",
  });
  assert.equal(asJson.status, 400);
  assert.match(gitea.violations[5] ?? "", /content type "application\/json" is not one the operation consumes/);

  // A response that breaks the schema, injected through the test-only hook.
  gitea.injectResponse((body) => ({ ...(body as object), login: 42 }));
  const me = await call("GET", "/user");
  assert.equal(me.status, 200);
  assert.match(gitea.violations[6] ?? "", /userGetCurrent.*response 200 \/login must be string/);

  assert.equal(gitea.violations.length, 7);
  assert.deepEqual(
    gitea.requests.map((r) => r.status),
    [400, 400, 400, 400, 404, 400, 200],
  );
});
