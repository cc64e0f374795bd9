// @ts-check
// Part of the workflow action (action/action.yml). An Actions runner runs
// these files as they are committed, with no `npm install`: plain ESM, Node
// built-ins only, no imports from the rest of ailab.
import { createHmac, randomUUID } from "node:crypto";

/** A bad input or environment, said in the workflow's own terms. */
export class WorkflowInputError extends Error {
  /**
   * @param {"MissingInput" | "BadInput" | "NotAPush" | "BadEvent"} code
   * @param {string} message
   */
  constructor(code, message) {
    super(message);
    this.name = "WorkflowInputError";
    this.code = code;
  }
}

/**
 * @typedef {object} WorkflowPush
 * @property {string} webhookUrl  `<server>/forge/webhook`
 * @property {string} secret      the webhook secret the delivery is signed with
 * @property {string | undefined} token  the job token, for the early pending status; undefined: none is posted
 * @property {string | undefined} apiUrl  the forge's REST root (GITHUB_API_URL)
 * @property {string | undefined} serverUrl  the forge's web root (GITHUB_SERVER_URL)
 * @property {string} repo        "owner/name"
 * @property {string} ref         e.g. refs/heads/ailab/train
 * @property {string | null} after  the pushed commit; null when the push deleted the branch
 * @property {string} pusher      the forge login the push is credited to
 * @property {string | undefined} context  the commit status the task will have (`ailab/<name>`); undefined: no status (a deletion, a branch outside ailab/)
 * @property {string} deliveryId
 * @property {string} body        the delivery: exactly the bytes that are signed and sent
 */

const AILAB_REF_PREFIX = "refs/heads/ailab/";
const SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
const ZERO = /^0+$/;

/**
 * Reads what the Actions runner gives a step (Gitea and Forgejo set the same
 * GITHUB_* names as GitHub) and builds the push delivery ailab-action's
 * webhook endpoint takes: repository, ref, before, after, pusher — nothing
 * else from the event (no commit list, no URLs), since the action fetches
 * the commit from the forge itself. Throws WorkflowInputError.
 *
 * @param {Record<string, string | undefined>} env  the step's environment (inputs arrive as INPUT_<NAME>)
 * @param {string} eventJson  the file at GITHUB_EVENT_PATH
 * @returns {WorkflowPush}
 */
export function readWorkflowPush(env, eventJson) {
  const server = required(env, "INPUT_SERVER", "the server input (ailab-action's URL, e.g. https://ailab.example.org)");
  const secret = required(env, "INPUT_SECRET", "the secret input (the webhook secret, from an Actions secret)");
  const eventName = env.GITHUB_EVENT_NAME ?? "push";
  if (eventName !== "push") throw new WorkflowInputError("NotAPush", `ailab submits pushes: run it \`on: push\`, not on ${eventName}`);

  /** @type {Record<string, unknown>} */
  let event;
  try {
    const parsed = /** @type {unknown} */ (JSON.parse(eventJson));
    if (typeof parsed !== "object" || parsed === null) throw new Error("not an object");
    event = /** @type {Record<string, unknown>} */ (parsed);
  } catch {
    throw new WorkflowInputError("BadEvent", "the push event at GITHUB_EVENT_PATH is not a JSON object");
  }
  const repo = env.GITHUB_REPOSITORY || stringAt(event.repository, "full_name") || "";
  if (!/^[^/\s]+\/[^/\s]+$/.test(repo)) throw new WorkflowInputError("BadEvent", `GITHUB_REPOSITORY ${JSON.stringify(repo)} is not owner/name`);
  const ref = env.GITHUB_REF || (typeof event.ref === "string" ? event.ref : "");
  if (!ref.startsWith("refs/heads/")) throw new WorkflowInputError("NotAPush", `GITHUB_REF ${JSON.stringify(ref)} is not a branch`);
  const rawAfter = (typeof event.after === "string" ? event.after : env.GITHUB_SHA ?? "").toLowerCase();
  const deleted = event.deleted === true || ZERO.test(rawAfter);
  if (!deleted && !SHA.test(rawAfter)) throw new WorkflowInputError("BadEvent", `the pushed commit ${JSON.stringify(rawAfter)} is not a commit id`);
  const after = deleted ? null : rawAfter;
  const before = typeof event.before === "string" && SHA.test(event.before.toLowerCase()) ? event.before.toLowerCase() : "0".repeat(40);
  // Gitea's pusher has `login`; GitHub's has only `name` (the login) and the sender has `login`.
  const pusher = stringAt(event.pusher, "login") || stringAt(event.sender, "login") || stringAt(event.pusher, "name") || env.GITHUB_ACTOR || "";
  if (pusher === "") throw new WorkflowInputError("BadEvent", "neither the push event nor GITHUB_ACTOR names who pushed");

  const body = JSON.stringify({
    ref,
    before,
    after: after ?? "0".repeat(40),
    deleted,
    repository: { full_name: repo },
    pusher: { login: pusher },
    sender: { login: pusher },
  });
  const runId = env.GITHUB_RUN_ID;
  return {
    webhookUrl: `${parseServerUrl(server)}/forge/webhook`,
    secret,
    token: env.INPUT_TOKEN || undefined,
    apiUrl: env.GITHUB_API_URL?.replace(/\/+$/, "") || undefined,
    serverUrl: env.GITHUB_SERVER_URL?.replace(/\/+$/, "") || undefined,
    repo,
    ref,
    after,
    pusher,
    context: after !== null && ref.startsWith(AILAB_REF_PREFIX) ? statusContext(ref) : undefined,
    // The run is what an admin can look up from the action's log; a UUID where there is none.
    deliveryId: runId ? `actions-run-${runId}-${env.GITHUB_RUN_ATTEMPT || "1"}` : randomUUID(),
    body,
  };
}

/**
 * The headers a delivery is sent with: GitHub's event and delivery names
 * (ailab-action reads Gitea's and GitHub's alike) and the HMAC-SHA256 of
 * the exact body, as `sha256=<hex>`, which every forge kind accepts.
 *
 * @param {WorkflowPush} push
 * @returns {Record<string, string>}
 */
export function deliveryHeaders(push) {
  return {
    "Content-Type": "application/json",
    "User-Agent": "ailab-workflow-action",
    "X-GitHub-Event": "push",
    "X-GitHub-Delivery": push.deliveryId,
    "X-Hub-Signature-256": `sha256=${createHmac("sha256", push.secret).update(push.body, "utf8").digest("hex")}`,
  };
}

/**
 * The status context ailab-action gives the push's task when its task file
 * does not name it otherwise: `ailab/` and the branch after `ailab/`, made
 * safe. The same rule as action/submit/fallback-task-name.ts (this file
 * cannot import it; a unit test keeps them equal).
 *
 * @example statusContext("refs/heads/ailab/train") // "ailab/train"
 * @param {string} ref
 * @returns {string}
 */
export function statusContext(ref) {
  const name = ref
    .slice("refs/heads/".length)
    .replace(/^ailab\//, "")
    .replace(/[^A-Za-z0-9._-]/g, "-")
    .replace(/^[^A-Za-z0-9]+/, "")
    .slice(0, 64);
  const valid = /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name) && !name.includes("..") && !name.endsWith(".") && !name.endsWith(".lock");
  return `ailab/${valid ? name : "task"}`;
}

/**
 * @param {string} text
 * @returns {string} the URL without a trailing slash
 */
function parseServerUrl(text) {
  /** @type {URL} */
  let url;
  try {
    url = new URL(text.trim());
  } catch {
    throw new WorkflowInputError("BadInput", `the server input ${JSON.stringify(text)} is not a URL such as https://ailab.example.org`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new WorkflowInputError("BadInput", "the server input must be an http(s) URL");
  if (url.username || url.password || url.search || url.hash) {
    throw new WorkflowInputError("BadInput", "the server input must be a plain URL: no credentials, query or fragment");
  }
  return url.href.replace(/\/+$/, "");
}

/**
 * @param {Record<string, string | undefined>} env
 * @param {string} name
 * @param {string} what
 * @returns {string}
 */
function required(env, name, what) {
  const value = env[name]?.trim();
  if (!value) throw new WorkflowInputError("MissingInput", `${what} is empty`);
  return value;
}

/**
 * @param {unknown} parent
 * @param {string} key
 * @returns {string | undefined}
 */
function stringAt(parent, key) {
  if (typeof parent !== "object" || parent === null) return undefined;
  const value = /** @type {Record<string, unknown>} */ (parent)[key];
  return typeof value === "string" ? value : undefined;
}
