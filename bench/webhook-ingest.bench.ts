// Taking Gitea's webhooks (issue 7): 200 push deliveries within 10 s, each
// acknowledged in under a second, 200 tasks, none lost or doubled — and the
// same 200 again under new delivery ids, still 200. Run after a build:
//   node dist/bench/webhook-ingest.bench.js [--deliveries 200] [--concurrency 20] [--spread-ms 0] [--waves 1]
// (--spread-ms 10000: the deliveries spread over 10 s, as pushes arrive; 0:
// all at once, as fast as the concurrency allows, the harder case.
// --waves 10: ten pushes of 20 branches, each wave's deliveries sent before
// the next push, so that each wave needs a delivery of its own to become
// tasks; with one wave the first fetch already sees every branch.)
// and copy the table it prints into docs/performance.md. It exits 1 when a
// goal is missed.
//
// The action is the shipped bin (dist/action/main.js serve --forge gitea) in
// its own process, on a directory relay; the fake Gitea of test/helpers/forge
// runs in this process and makes the deliveries from a real `git push` of
// 200 branches (its bodies, its signatures), which this process then sends
// itself, from a worker thread. The floor beside it is a bare Node server
// that writes each body to a file and answers 202, sent the same deliveries
// the same way once the action is done with them.
import { randomUUID } from "node:crypto";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { packageRoot } from "../core/package-root.js";
import { checkTasks, type TaskCheck } from "./webhook-ingest/check-tasks.js";
import { startGiteaCourse } from "./webhook-ingest/gitea-course.js";
import { summariseAcks, type LatencySummary } from "./webhook-ingest/latency-summary.js";
import { makeBranches } from "./webhook-ingest/push-branches.js";
import { openIngestReader } from "./webhook-ingest/read-ingest-state.js";
import { withNewIds, type Delivery } from "./webhook-ingest/send-deliveries.js";
import { joinRounds, sendFromWorker, type SentRound } from "./webhook-ingest/send-from-worker.js";
import { startListeningChild } from "./webhook-ingest/start-listening-child.js";
import { waitForIngest, waitForQuiet, type Ingested } from "./webhook-ingest/wait-for-ingest.js";

const GOAL_SEND_MS = 10_000;
const GOAL_ACK_MS = 1000;
const SETTLE_TIMEOUT_MS = 180_000;
const FLOOR_SERVER = join(packageRoot(), "dist", "bench", "webhook-ingest", "durable-ack-server.js");

const options = { deliveries: { type: "string", default: "200" }, concurrency: { type: "string", default: "20" }, "spread-ms": { type: "string", default: "0" }, waves: { type: "string", default: "1" } } as const;
const { values } = parseArgs({ options });
const [count, concurrency, spreadMs, waves] = [values.deliveries, values.concurrency, values["spread-ms"], values.waves].map(Number) as [number, number, number, number];
if (![count, concurrency, spreadMs + 1, waves].every((n) => Number.isInteger(n) && n >= 1) || waves > count) {
  throw new Error("--deliveries, --concurrency and --waves take whole numbers of at least 1 (no more waves than deliveries), --spread-ms of at least 0");
}

interface Round {
  send: SentRound;
  acks: LatencySummary;
  ingest: Ingested;
  check: TaskCheck;
  /** Until every status was posted to Gitea, from the first send; the next round starts after it. */
  quietMs: number | undefined;
}

const loadBefore = loadavg();
const home = await mkdtemp(join(tmpdir(), "ailab-bench-"));
let floor: { send: SentRound; acks: LatencySummary };
let rounds: Round[];
let apiTasks: number;
let pushMs = 0;
let waveSizes: number[];
try {
  const course = await startGiteaCourse(home);
  try {
    const branches = await makeBranches(course.gitea, course.alice, home, count);
    const names = [...branches.commits.keys()];
    const size = Math.ceil(count / waves);
    const waveNames = Array.from({ length: Math.ceil(count / size) }, (_, i) => names.slice(i * size, (i + 1) * size));
    waveSizes = waveNames.map((w) => w.length);
    // Each wave's deliveries are sent, and answered, before the next wave is had.
    const sendWaves = async (url: string, wave: (i: number) => Promise<Delivery[]>) => {
      const parts: SentRound[] = [];
      let firstSend: number | undefined;
      for (let i = 0; i < waveNames.length; i++) {
        const deliveries = await wave(i);
        firstSend ??= performance.now();
        parts.push(await sendFromWorker(url, deliveries, concurrency, spreadMs / waveNames.length));
      }
      return { send: joinRounds(parts), firstSend: firstSend ?? performance.now() };
    };

    const reader = openIngestReader(course.actionDataDir);
    const url = `${course.actionUrl}/forge/webhook`;
    const pushed: Delivery[][] = [];
    const pushWave = async (i: number) => {
      const start = performance.now();
      pushed[i] = await branches.push(waveNames[i]!);
      pushMs += performance.now() - start;
      return pushed[i];
    };
    rounds = [];
    for (const wave of [pushWave, (i: number) => Promise.resolve(withNewIds(pushed[i]!, randomUUID))]) {
      const { send, firstSend } = await sendWaves(url, wave);
      // Only a 202 wrote a row; a refused delivery is counted as a missed goal, not waited for.
      const written = (rounds.at(-1)?.ingest.state.deliveries ?? 0) + send.acks.filter((a) => a.status === 202).length;
      const ingest = await waitForIngest(reader.read, { deliveries: written, tasks: count }, firstSend, SETTLE_TIMEOUT_MS);
      const quietMs = await waitForQuiet(reader.read, firstSend, SETTLE_TIMEOUT_MS);
      rounds.push({ send, acks: summariseAcks(send.acks), ingest, check: checkTasks(branches.commits, ingest.state.tasks), quietMs });
    }
    reader.close();

    // The floor after the action has done everything, so the two never share the machine.
    const floorDir = join(home, "floor");
    await mkdir(floorDir);
    const floorServer = await startListeningChild(FLOOR_SERVER, [floorDir], { PATH: process.env.PATH ?? "/usr/bin:/bin" }, /listening (\d+)/);
    const { send: floorSend } = await sendWaves(`http://127.0.0.1:${floorServer.address}/`, (i) => Promise.resolve(pushed[i]!));
    await floorServer.stop();
    floor = { send: floorSend, acks: summariseAcks(floorSend.acks) };

    // What alice sees, through the API the CLI uses (her Gitea token is her ailab token).
    const reply = await fetch(`${course.actionUrl}/api/tasks?repo=alice/hw`, { headers: { Authorization: `Bearer ${course.alice.token}` } });
    apiTasks = reply.ok ? ((await reply.json()) as { tasks: unknown[] }).tasks.length : -1;
  } finally {
    await course.stop();
  }
} finally {
  await rm(home, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
}

const ms = (n: number | undefined) => (n === undefined ? "never" : `${n.toFixed(0)} ms`);
const ratio = (a: number, b: number) => `${(a / b).toFixed(1)}×`;
const [first, second] = rounds as [Round, Round];
const tasksLine = (r: Round) =>
  `${r.check.tasks} (${r.check.lost.length} lost, ${r.check.extra} doubled; ${r.ingest.state.deliveries} deliveries written${r.ingest.settled ? "" : ", NOT SETTLED"})`;

console.log(`| what | ailab-action | floor: bare HTTP, body to a file | ratio |\n| --- | --- | --- | --- |`);
const pace = `${spreadMs > 0 ? `spread over ${spreadMs} ms` : "all at once"}${waveSizes.length > 1 ? `, in ${waveSizes.length} waves` : ""}`;
const lastSent = (r: { send: SentRound }) => Math.max(...r.send.acks.map((a) => a.sentAt));
console.log(`| ${count} deliveries, ${concurrency} at a time, ${pace}: last sent; last answered | ${ms(lastSent(first))}; ${ms(first.send.totalMs)} | ${ms(lastSent(floor))}; ${ms(floor.send.totalMs)} | ${ratio(first.send.totalMs, floor.send.totalMs)} |`);
for (const key of ["p50", "p95", "max"] as const) {
  console.log(`| ack ${key} | ${ms(first.acks[key])} | ${ms(floor.acks[key])} | ${ratio(first.acks[key], floor.acks[key])} |`);
}
console.log(`| answers other than 202 | ${first.acks.refused} | ${floor.acks.refused} | |`);
if (waveSizes.length > 1) console.log(`| pushes between the waves (of ${waveSizes.join(", ")} branches), left out of the send times | ${ms(pushMs)} | | |`);
console.log(`| all ${count} tasks exist, from the first send | ${ms(first.ingest.allTasksMs)} | | |`);
console.log(`| every delivery handled, from the first send | ${ms(first.ingest.settledMs)} | | |`);
console.log(`| every commit status posted to Gitea, from the first send | ${ms(first.quietMs)} | | |`);
console.log(`| tasks | ${tasksLine(first)} | | |`);
console.log(`| again with new delivery ids: last answered; ack p50 / p95 / max | ${ms(second.send.totalMs)}; ${ms(second.acks.p50)} / ${ms(second.acks.p95)} / ${ms(second.acks.max)} | | |`);
console.log(`| again: answers other than 202; every delivery handled | ${second.acks.refused}; ${ms(second.ingest.settledMs)} | | |`);
console.log(`| tasks after the replay | ${tasksLine(second)}; ${apiTasks} in alice's \`GET /api/tasks\` | | |`);
const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(" ");
console.log(`\nmachine: ${availableParallelism()} CPUs, load average ${load(loadBefore)} before, ${load(loadavg())} after (1, 5, 15 min)`);
const stall = Math.max(floor.send.stallMs, ...rounds.map((r) => r.send.stallMs));
console.log(`the sender's own event loop (a worker thread) stalled at most ${stall.toFixed(0)} ms: that much of an ack time may be the sender's`);

const missed: string[] = [];
if (lastSent(first) > GOAL_SEND_MS) missed.push(`the last of the ${count} deliveries went out after ${ms(lastSent(first))}, more than ${GOAL_SEND_MS} ms`);
for (const [i, r] of rounds.entries()) {
  const round = i === 0 ? "first round" : "replay";
  if (r.acks.refused > 0) missed.push(`${round}: ${r.acks.refused} deliveries were not answered 202`);
  if (r.acks.max >= GOAL_ACK_MS) missed.push(`${round}: the slowest ack took ${ms(r.acks.max)}`);
  if (!r.ingest.settled || r.quietMs === undefined) missed.push(`${round}: the action was not done within ${SETTLE_TIMEOUT_MS} ms`);
  if (r.check.tasks !== count || r.check.lost.length > 0 || r.check.extra > 0) {
    missed.push(`${round}: ${r.check.tasks} tasks, lost ${r.check.lost.slice(0, 5).join(", ") || "none"}, ${r.check.extra} doubled`);
  }
}
if (apiTasks !== count) missed.push(`alice's task list shows ${apiTasks} tasks`);
if (missed.length > 0) {
  console.error(`\ngoals missed:\n- ${missed.join("\n- ")}`);
  process.exitCode = 1;
}
