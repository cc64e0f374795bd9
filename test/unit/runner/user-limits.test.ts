import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { formatLimits } from "../../../runner-agent/accounting-report.js";
import { readFairShareLimits } from "../../../runner-agent/fair-share-config.js";
import { parseUserLimits } from "../../../runner-agent/user-limits-file.js";
import { limitsFor } from "../../../runner-agent/user-limits.js";
import { tempDir } from "../../helpers/temp-dir.js";

const FILE = `
[users.alice]
gpu_hours = 40
max_jobs = 4

[users."new-student"]
gpu_hours = 0.005
max_gpus = 1
`;

test("the user-limits file sets limits for single users, which win over everyone's", async (t) => {
  const path = join(await tempDir(t), "user-limits.toml");
  writeFileSync(path, FILE);
  const limits = readFairShareLimits({ gpuHoursPerUser: "10", maxJobsPerUser: "1", userLimits: path }, {});
  assert.deepEqual(JSON.parse(JSON.stringify(limits)), {
    maxRunningJobsPerUser: 1,
    gpuHoursPerPeriod: 10,
    periodHours: 168,
    users: { alice: { gpuHoursPerPeriod: 40, maxRunningJobsPerUser: 4 }, "new-student": { gpuHoursPerPeriod: 0.005, maxGpusPerUser: 1 } },
  });
  assert.deepEqual(limitsFor(limits, "alice"), { maxRunningJobsPerUser: 4, gpuHoursPerPeriod: 40 });
  assert.deepEqual(limitsFor(limits, "new-student"), { maxRunningJobsPerUser: 1, maxGpusPerUser: 1, gpuHoursPerPeriod: 0.005 });
  assert.deepEqual(limitsFor(limits, "bob"), { maxRunningJobsPerUser: 1, gpuHoursPerPeriod: 10 });
  assert.deepEqual(limitsFor(limits, "__proto__"), { maxRunningJobsPerUser: 1, gpuHoursPerPeriod: 10 }, "a name is only a name");
  assert.equal(
    formatLimits(limits),
    ["per user: 1 job at once · 10 GPU-hours per 7 days", "alice: 4 jobs at once · 40 GPU-hours per 7 days", "new-student: 1 GPU at once · 0.005 GPU-hours per 7 days"].join("\n"),
  );
  assert.deepEqual(readFairShareLimits({}, { AILAB_USER_LIMITS: path }).users?.alice, { gpuHoursPerPeriod: 40, maxRunningJobsPerUser: 4 }, "or from AILAB_USER_LIMITS");
});

test("a bad user-limits file is quoted back with the key and what was expected", async (t) => {
  const cases: [string, RegExp][] = [
    ["[users.alice]\ngpu_hour = 4\n", /^limits\.toml: users\."alice"\.gpu_hour is not valid: expected gpu_hours, max_jobs or max_gpus$/],
    ["[users.alice]\nmax_jobs = 0\n", /users\."alice"\.max_jobs is not valid: expected a whole number of at least 1$/],
    ["[users.alice]\ngpu_hours = \"lots\"\n", /users\."alice"\.gpu_hours is not valid: expected a number of GPU-hours such as 10 or 0\.5$/],
    ["[limits]\nx = 1\n", /^limits\.toml: limits is not valid: expected only \[users\.<name>\] tables$/],
    ["[users]\nalice = 3\n", /users\."alice" is not valid: expected a table/],
    ["[users.alice\n", /^limits\.toml: not valid TOML/],
  ];
  for (const [text, message] of cases) assert.throws(() => parseUserLimits(text, "limits.toml"), (e: Error & { code?: string }) => e.code === "ConfigError" && message.test(e.message), text);
  const missing = join(await tempDir(t), "none.toml");
  assert.throws(() => readFairShareLimits({ userLimits: missing }, {}), (e: Error & { code?: string }) => e.code === "ConfigError" && e.message.startsWith(`--user-limits "${missing}" cannot be read`));
});
