import assert from "node:assert/strict";
import { test } from "node:test";
import type { GitRepo } from "../../../cli/git-repo.js";
import { gitAuthEnv, repoNameFromFolder, resolvePushTarget } from "../../../cli/push-target.js";
import { taskNameFrom } from "../../../cli/task-name.js";

const login = { url: "http://127.0.0.1:8080", token: "tok-0123456789", user: "alice" };

function repoWith(topLevel: string, remotes: Record<string, string> = {}): GitRepo {
  const no = () => Promise.reject(new Error("not used"));
  return {
    topLevel,
    remoteUrl: (name) => Promise.resolve(remotes[name]),
    currentBranch: no,
    headCommit: no,
    fileAtHead: no,
    hasUncommittedChanges: no,
    tryResolveCommit: no,
  };
}

test("the push goes to <url>/git/<user>/<folder>.git unless there is a remote named ailab", async () => {
  assert.deepEqual(await resolvePushTarget(repoWith("/home/a/My Project"), login), {
    gitUrl: "http://127.0.0.1:8080/git/alice/My-Project.git",
    repo: "alice/My-Project",
    sameServer: true,
  });
  assert.deepEqual(await resolvePushTarget(repoWith("/x/p", { ailab: "http://127.0.0.1:8080/git/course/shared.git" }), login), {
    gitUrl: "http://127.0.0.1:8080/git/course/shared.git",
    repo: "course/shared",
    sameServer: true,
  });
  const elsewhere = await resolvePushTarget(repoWith("/x/p", { ailab: "https://other.example/git/alice/p.git" }), login);
  assert.equal(elsewhere.sameServer, false);
  await assert.rejects(resolvePushTarget(repoWith("/x/p", { ailab: "https://github.com/alice/p" }), login), { code: "BadRemote" });
});

test("the token reaches git only as an http.extraHeader in the environment", () => {
  const env = gitAuthEnv({ PATH: "/bin" }, login);
  assert.equal(env.GIT_CONFIG_COUNT, "1");
  assert.equal(env.GIT_CONFIG_KEY_0, "http.extraHeader");
  assert.equal(env.GIT_CONFIG_VALUE_0, `Authorization: Basic ${Buffer.from("alice:tok-0123456789").toString("base64")}`);
  assert.equal(env.GIT_TERMINAL_PROMPT, "0");
  // Settings the user already passes this way are kept.
  const more = gitAuthEnv({ GIT_CONFIG_COUNT: "1", GIT_CONFIG_KEY_0: "core.x", GIT_CONFIG_VALUE_0: "y" }, login);
  assert.equal(more.GIT_CONFIG_COUNT, "2");
  assert.equal(more.GIT_CONFIG_KEY_0, "core.x");
  assert.equal(more.GIT_CONFIG_KEY_1, "http.extraHeader");
});

test("names made from branches and folders are valid task and repository names", () => {
  assert.equal(taskNameFrom("feature/new-loss"), "feature-new-loss");
  assert.equal(taskNameFrom("ailab/train"), "train");
  assert.equal(taskNameFrom("..weird..name.lock"), "weird.name");
  assert.equal(taskNameFrom("///"), undefined);
  assert.equal(repoNameFromFolder(".hidden proj.git"), "hidden-proj");
  assert.throws(() => repoNameFromFolder("..."), { code: "BadRepoName" });
});
