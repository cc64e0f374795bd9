import assert from "node:assert/strict";
import { test } from "node:test";
import { describeUsage } from "../../../cli/commands/whoami.js";
import type { AccountingView } from "../../../core/api/types.js";

const view = (more: Partial<AccountingView> = {}): AccountingView => ({
  tasks: 3,
  succeeded: 2,
  failed: 1,
  gpuHours: 1.25,
  cpuHours: 2.5,
  gpuHoursInPeriod: 0.5,
  gpuHoursBudget: 10,
  periodHours: 168,
  runningJobs: 0,
  maxRunningJobs: 1,
  maxGpus: null,
  ...more,
});

test("whoami's usage line: tasks, GPU-hours, the budget's use, limits", () => {
  assert.equal(describeUsage(view()).join(" · "), "3 tasks (2 succeeded, 1 failed) · 1.25 GPU-hours · 0.50 of 10 GPU-hours used in the last 7 days · limit 1 job at once");
});

test("without a budget or limits the line says only what was used; running jobs and GPU limits show when there are any", () => {
  assert.equal(describeUsage(view({ tasks: 1, succeeded: 0, failed: 0, gpuHoursBudget: null, maxRunningJobs: null })).join(" · "), "1 task (0 succeeded, 0 failed) · 1.25 GPU-hours · 0.50 GPU-hours in the last 7 days");
  assert.equal(
    describeUsage(view({ runningJobs: 2, maxRunningJobs: 2, maxGpus: 4, periodHours: 24 })).join(" · "),
    "3 tasks (2 succeeded, 1 failed) · 1.25 GPU-hours · 0.50 of 10 GPU-hours used in the last 1 day · 2 running · limit 2 jobs and 4 GPUs at once",
  );
});

test("a small budget is shown with enough digits to read what is used of it", () => {
  assert.equal(describeUsage(view({ gpuHours: 0.0049, gpuHoursInPeriod: 0.0049, gpuHoursBudget: 0.005 }))[2], "0.0049 of 0.005 GPU-hours used in the last 7 days");
});
