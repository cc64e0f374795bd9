// @ts-check
// The workflow action's entry point (action/action.yml, `runs: using: node20`).
// It hands the push to ailab-action and returns within seconds: the job
// itself may run for days, and an Actions job (and its token) would not
// last that long, so ailab-action's bot posts every later status and the
// release. Plain ESM with Node built-ins only: the runner does no npm install.
import { readFile } from "node:fs/promises";
import { deliveryHeaders, readWorkflowPush, WorkflowInputError } from "./workflow-push.mjs";

const TIMEOUT_MS = 10_000;

/** ailab-action did not take the push (non-2xx, or no answer). */
class SubmitRefused extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = "SubmitRefused";
  }
}

/**
 * @typedef {{ stdout: (line: string) => void, fetch: typeof fetch, readFile: (path: string) => Promise<string> }} Io
 */

/**
 * Submits the push: sets a pending status with the job token (best
 * effort), POSTs the signed delivery to ailab-action, and on a refusal
 * turns that status into an error saying why and throws SubmitRefused.
 * The status goes first so that nothing the bot posts afterwards (an
 * invalid task file is an error within a second) can be covered by it.
 *
 * @param {Record<string, string | undefined>} env
 * @param {Io} io
 */
async function submit(env, io) {
  const eventPath = env.GITHUB_EVENT_PATH;
  if (!eventPath) throw new WorkflowInputError("BadEvent", "GITHUB_EVENT_PATH is not set: this runs as a step of an Actions workflow");
  const push = readWorkflowPush(env, await io.readFile(eventPath));
  // Nothing here prints the secret or the token: the runner masks secrets, but only in its own log.
  if (push.context) await setStatus(push, "pending", "submitted to ailab", io);

  /** @type {Response} */
  let response;
  try {
    response = await io.fetch(push.webhookUrl, { method: "POST", headers: deliveryHeaders(push), body: push.body, signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (e) {
    return refuse(push, `ailab-action at ${push.webhookUrl} did not answer: ${reason(e)}`, io);
  }
  const answer = await readAnswer(response);
  if (!response.ok) return refuse(push, `ailab-action refused the push (${response.status}${answer.code ? ` ${answer.code}` : ""}): ${answer.message}`, io);
  if (answer.ignored !== undefined) {
    io.stdout(`::notice::ailab-action ignored this push: ${command(answer.ignored)}`);
    return;
  }
  if (push.after === null) {
    io.stdout(`Told ailab that ${push.ref} was deleted: its unfinished task is cancelled.`);
    return;
  }
  const commitUrl = push.serverUrl ? `${push.serverUrl}/${push.repo}/commit/${push.after}` : `${push.repo}@${push.after}`;
  io.stdout(`Submitted ${push.repo} ${push.ref} at ${push.after.slice(0, 12)} to ailab, as ${push.pusher}.`);
  io.stdout(`Follow it on the commit's check ${push.context ?? "ailab/<task>"} (${commitUrl}): its Details link opens the task's page; or \`ailab list\` and \`ailab logs\`.`);
  io.stdout("This step ends now: ailab-action posts the job's progress, its result and a release with the artifacts as the job runs.");
}

/**
 * Marks the commit's check as refused (so it does not stay pending), then throws.
 *
 * @param {import("./workflow-push.mjs").WorkflowPush} push
 * @param {string} message
 * @param {Io} io
 * @returns {Promise<never>}
 */
async function refuse(push, message, io) {
  if (push.context) await setStatus(push, "error", cut(message, 140), io);
  throw new SubmitRefused(message);
}

/**
 * A commit status under the context the task will keep, with the job
 * token. Best effort: without a token, or when the forge refuses it, the
 * first status simply comes from ailab-action a moment later.
 *
 * @param {import("./workflow-push.mjs").WorkflowPush} push
 * @param {"pending" | "error"} state
 * @param {string} description
 * @param {Io} io
 */
async function setStatus(push, state, description, io) {
  if (!push.token || !push.apiUrl || !push.after || !push.context) {
    io.stdout(`::warning::no ${push.token ? "GITHUB_API_URL" : "token input"}: the ${state} status is not set from the workflow`);
    return;
  }
  const [owner = "", name = ""] = push.repo.split("/");
  const url = `${push.apiUrl}/repos/${encodeURIComponent(owner)}/${encodeURIComponent(name)}/statuses/${push.after}`;
  try {
    const response = await io.fetch(url, {
      method: "POST",
      headers: { Authorization: `token ${push.token}`, Accept: "application/json", "Content-Type": "application/json", "User-Agent": "ailab-workflow-action" },
      body: JSON.stringify({ state, context: push.context, description }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const text = await response.text();
    if (!response.ok) io.stdout(`::warning::could not set the ${state} status ${push.context} (${response.status}): ${command(text.slice(0, 200))}`);
  } catch (e) {
    io.stdout(`::warning::could not set the ${state} status ${push.context}: ${command(reason(e))}`);
  }
}

/**
 * @param {string} text
 * @param {number} max
 */
function cut(text, max) {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * ailab-action's answer: `{ accepted }`, `{ ignored }` or `{ error: { code, message } }`.
 *
 * @param {Response} response
 * @returns {Promise<{ ignored?: string, code?: string, message: string }>}
 */
async function readAnswer(response) {
  const text = await response.text().catch(() => "");
  try {
    const parsed = /** @type {unknown} */ (JSON.parse(text));
    const json = /** @type {{ ignored?: unknown, error?: { code?: unknown, message?: unknown } }} */ (parsed ?? {});
    return {
      ...(typeof json.ignored === "string" ? { ignored: json.ignored } : {}),
      ...(typeof json.error?.code === "string" ? { code: json.error.code } : {}),
      message: typeof json.error?.message === "string" ? json.error.message : text.slice(0, 300),
    };
  } catch {
    return { message: text.slice(0, 300) || response.statusText };
  }
}

/** @param {unknown} e */
function reason(e) {
  if (e instanceof Error && e.name === "TimeoutError") return `no answer in ${TIMEOUT_MS / 1000} s`;
  return e instanceof Error ? (e.cause instanceof Error ? `${e.message}: ${e.cause.message}` : e.message) : String(e);
}

/**
 * Escapes text for a workflow command (`::error::…`): one line, % first.
 *
 * @param {string} text
 */
function command(text) {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/** @type {Io} */
const io = { stdout: (line) => console.log(line), fetch, readFile: (path) => readFile(path, "utf8") };
submit(process.env, io).catch((/** @type {unknown} */ e) => {
  io.stdout(`::error::${command(e instanceof Error ? e.message : String(e))}`);
  process.exitCode = 1;
});
