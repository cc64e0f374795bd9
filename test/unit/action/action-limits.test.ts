import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { DEFAULT_LIMITS, readActionLimits } from "../../../action/action-limits.js";
import { withConfigFile } from "../../../action/command-line/read-config-file.js";
import { tempDir } from "../../helpers/temp-dir.js";

test("the caps default, come from the environment, and flags win", () => {
  assert.deepEqual(readActionLimits({}, {}), DEFAULT_LIMITS);
  assert.deepEqual(DEFAULT_LIMITS, { maxWaitingTasks: 20, maxReposPerUser: 50, maxGitPerUser: 4, maxPushBytes: 200 * 1024 * 1024 });
  const env = { AILAB_MAX_WAITING_TASKS: "5", AILAB_MAX_REPOS_PER_USER: "3", AILAB_MAX_GIT_PER_USER: "2", AILAB_MAX_PUSH_MB: "10" };
  assert.deepEqual(readActionLimits({}, env), { maxWaitingTasks: 5, maxReposPerUser: 3, maxGitPerUser: 2, maxPushBytes: 10 * 1024 * 1024 });
  assert.equal(readActionLimits({ maxWaitingTasks: "7" }, env).maxWaitingTasks, 7);
});

test("a bad cap is quoted back with the expected form", () => {
  for (const bad of ["0", "-1", "lots", "1.5", ""]) {
    assert.throws(() => readActionLimits({ maxWaitingTasks: bad }, {}), (e: Error & { code?: string }) => {
      assert.equal(e.code, "ConfigError");
      assert.match(e.message, new RegExp(`max-waiting-tasks ${JSON.stringify(JSON.stringify(bad)).slice(1, -1)} is not a whole number >= 1`));
      return true;
    });
  }
});

test("the config file takes the caps by their underscored names", async (t) => {
  const file = join(await tempDir(t), "action.toml");
  writeFileSync(file, "max_waiting_tasks = 3\nmax_repos_per_user = 2\nmax_git_per_user = 1\nmax_push_mb = 5\n");
  const options = withConfigFile({ config: file }, {});
  assert.deepEqual(readActionLimits(options, {}), { maxWaitingTasks: 3, maxReposPerUser: 2, maxGitPerUser: 1, maxPushBytes: 5 * 1024 * 1024 });
});
