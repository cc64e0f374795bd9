import type { IncomingHttpHeaders } from "node:http";
import { AILAB_REF_PREFIX } from "../../push/read-branch-refs.js";

/**
 * What a webhook delivery says happened, in the action's terms: a branch
 * moved or was deleted, by whom. Only a hint — the mirror fetch decides what
 * the branch is now — so nothing here is trusted beyond naming the
 * repository to look at and the pusher to credit.
 */
export interface RefNotice {
  /** "owner/name" as the forge spells it. */
  repo: string;
  /** Full ref, e.g. refs/heads/ailab/train */
  ref: string;
  /** The commit the forge says the ref moved to; null for a deletion. */
  after: string | null;
  /** Forge login of who pushed (or deleted). */
  pusher: string;
}

export type ParsedDelivery =
  | { kind: "notice"; event: string; deliveryId: string; notice: RefNotice }
  /** Valid, but nothing for ailab: another event, a tag, a branch outside ailab/, a ping. */
  | { kind: "ignored"; event: string; deliveryId: string; reason: string }
  | { kind: "invalid"; reason: string };

const ZERO = /^0+$/;
const SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/**
 * Reads a verified delivery. Gitea and Forgejo: `push` (a branch created or
 * moved) and `delete` (a branch deleted: short ref name, no push is sent).
 * GitHub: `push`, with `deleted: true` and zero `after` for a deletion, and
 * `delete`. Never uses `commits` (cut to 5 on Gitea) or any URL in the body.
 */
export function parseDelivery(headers: IncomingHttpHeaders, json: string): ParsedDelivery {
  const event = header(headers, ["x-forgejo-event", "x-gitea-event", "x-github-event"]);
  const deliveryId = header(headers, ["x-forgejo-delivery", "x-gitea-delivery", "x-github-delivery"]) ?? "";
  if (event === undefined) return { kind: "invalid", reason: "no X-Gitea-Event, X-Forgejo-Event or X-GitHub-Event header" };
  if (event !== "push" && event !== "delete") return { kind: "ignored", event, deliveryId, reason: `event ${event} is not used` };
  let body: unknown;
  try {
    body = JSON.parse(json);
  } catch {
    return { kind: "invalid", reason: "the body is not JSON" };
  }
  if (typeof body !== "object" || body === null) return { kind: "invalid", reason: "the body is not a JSON object" };
  const b = body as Record<string, unknown>;
  const repo = stringAt(b.repository, "full_name");
  if (repo === undefined || !/^[^/\s]+\/[^/\s]+$/.test(repo)) return { kind: "invalid", reason: "repository.full_name is missing or not owner/name" };
  const pusher = stringAt(b.pusher, "login") ?? stringAt(b.sender, "login") ?? stringAt(b.pusher, "username") ?? stringAt(b.pusher, "name");
  if (pusher === undefined || pusher === "") return { kind: "invalid", reason: "no pusher or sender login" };
  if (typeof b.ref !== "string") return { kind: "invalid", reason: "ref is missing" };

  if (event === "delete") {
    if (b.ref_type !== "branch") return { kind: "ignored", event, deliveryId, reason: `a ${String(b.ref_type)} was deleted` };
    // Gitea's delete event carries the short name; GitHub's too.
    const ref = b.ref.startsWith("refs/heads/") ? b.ref : `refs/heads/${b.ref}`;
    if (!ref.startsWith(AILAB_REF_PREFIX)) return { kind: "ignored", event, deliveryId, reason: `${ref} is not an ailab branch` };
    return { kind: "notice", event, deliveryId, notice: { repo, ref, after: null, pusher } };
  }
  const ref = b.ref;
  if (!ref.startsWith(AILAB_REF_PREFIX)) return { kind: "ignored", event, deliveryId, reason: `${ref} is not an ailab branch` };
  const after = typeof b.after === "string" ? b.after.toLowerCase() : "";
  if (b.deleted === true || ZERO.test(after)) return { kind: "notice", event, deliveryId, notice: { repo, ref, after: null, pusher } };
  if (!SHA.test(after)) return { kind: "invalid", reason: "after is not a commit id" };
  return { kind: "notice", event, deliveryId, notice: { repo, ref, after, pusher } };
}

function header(headers: IncomingHttpHeaders, names: readonly string[]): string | undefined {
  for (const name of names) {
    const value = headers[name];
    const text = Array.isArray(value) ? value[0] : value;
    if (text !== undefined && text !== "") return text;
  }
  return undefined;
}

function stringAt(parent: unknown, key: string): string | undefined {
  if (typeof parent !== "object" || parent === null) return undefined;
  const value = (parent as Record<string, unknown>)[key];
  return typeof value === "string" ? value : undefined;
}
