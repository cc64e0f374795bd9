import assert from "node:assert/strict";
import { test } from "node:test";
import { hasCode } from "../../../core/errors.js";
import { readFairShareLimits } from "../../../runner-agent/fair-share-config.js";
import { readRunnerConfig } from "../../../runner-agent/runner-config.js";

test("no fair-share setting: no limits, a week's period", () => {
  assert.deepEqual(readFairShareLimits({}, {}), { periodHours: 168 });
});

test("limits come from AILAB_* variables; flags win", () => {
  const env = { AILAB_MAX_JOBS_PER_USER: "2", AILAB_MAX_GPUS_PER_USER: "4", AILAB_GPU_HOURS_PER_USER: "10", AILAB_BUDGET_PERIOD_HOURS: "24" };
  assert.deepEqual(readFairShareLimits({}, env), { maxRunningJobsPerUser: 2, maxGpusPerUser: 4, gpuHoursPerPeriod: 10, periodHours: 24 });
  assert.deepEqual(readFairShareLimits({ maxJobsPerUser: "1", gpuHoursPerUser: "2.5", budgetPeriodHours: "168" }, env), {
    maxRunningJobsPerUser: 1,
    maxGpusPerUser: 4,
    gpuHoursPerPeriod: 2.5,
    periodHours: 168,
  });
});

test("the runner's configuration carries the limits", () => {
  const config = readRunnerConfig({ maxJobsPerUser: "1" }, { AILAB_RELAY_DIR: "/r", AILAB_SECRET: "a-secret-long-enough-1234", HOME: "/h" });
  assert.deepEqual(config.fairShare, { maxRunningJobsPerUser: 1, periodHours: 168 });
});

test("bad values are quoted under the name they were given by, with the form expected", () => {
  const cases: [Parameters<typeof readFairShareLimits>[0], NodeJS.ProcessEnv, RegExp][] = [
    [{ maxJobsPerUser: "0" }, {}, /^--max-jobs-per-user "0" is not valid: expected a whole number of at least 1$/],
    [{}, { AILAB_MAX_GPUS_PER_USER: "two" }, /^AILAB_MAX_GPUS_PER_USER "two" is not valid: expected a whole number of at least 1$/],
    [{ gpuHoursPerUser: "-1" }, {}, /^--gpu-hours-per-user "-1" is not valid: expected a number of hours such as 10 or 2.5$/],
    [{}, { AILAB_GPU_HOURS_PER_USER: "10h" }, /^AILAB_GPU_HOURS_PER_USER "10h" is not valid/],
    [{ budgetPeriodHours: "0" }, {}, /^--budget-period-hours "0" is not valid: expected a number of hours above 0/],
    [{}, { AILAB_BUDGET_PERIOD_HOURS: "a week" }, /^AILAB_BUDGET_PERIOD_HOURS "a week" is not valid/],
  ];
  for (const [flags, env, message] of cases) {
    assert.throws(() => readFairShareLimits(flags, env), (e: unknown) => hasCode(e, "ConfigError") && message.test(e.message));
  }
});
