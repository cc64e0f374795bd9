import assert from "node:assert/strict";
import { test } from "node:test";
import { parseGitRequest } from "../../../action/githost/git-url.js";

const q = (s = "") => new URLSearchParams(s);

test("smart HTTP paths are understood; pushing needs write access", () => {
  assert.deepEqual(parseGitRequest("GET", "/git/alice/proj.git/info/refs", q("service=git-upload-pack")), {
    repo: { owner: "alice", name: "proj" },
    pathInfo: "/alice/proj.git/info/refs",
    access: "read",
    isReceivePack: false,
  });
  assert.equal(parseGitRequest("GET", "/git/alice/proj/info/refs", q("service=git-receive-pack"))?.access, "write");
  assert.equal(parseGitRequest("POST", "/git/alice/proj.git/git-receive-pack", q())?.isReceivePack, true);
  assert.equal(parseGitRequest("POST", "/git/alice/proj.git/git-upload-pack", q())?.access, "read");
});

test("nothing from the URL reaches a path unchecked", () => {
  for (const path of [
    "/git/alice/../bob.git/info/refs",
    "/git/../alice/proj.git/info/refs",
    "/git/alice/.hidden.git/info/refs",
    "/git/Alice/proj.git/info/refs",
    "/git/alice/proj.git/config",
    "/git/alice/proj.git/hooks/pre-receive",
    "/git/alice/proj.git/objects/../config",
    "/git/alice/proj.git.git/info/refs",
    "/git/alice/proj.git",
  ]) {
    assert.equal(parseGitRequest("GET", path, q()), undefined, path);
  }
});
