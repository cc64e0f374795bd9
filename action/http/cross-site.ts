import type { IncomingMessage } from "node:http";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Why a state-changing request (anything but GET, HEAD, OPTIONS) must be
 * refused as coming from another site, or undefined when it may go on. A
 * browser says where a request comes from (`Origin`, `Sec-Fetch-Site`) and
 * sends the Basic credentials it remembers for this server along with it,
 * so a page elsewhere could otherwise cancel a task or push in the user's
 * name. Only the server's own origin (its public URL, or the Host the
 * request was sent to) counts as same-site. git, the CLI and forges send
 * neither header, and are let through to their own authentication.
 */
export function crossSiteRefusal(req: IncomingMessage, publicUrl: string): string | undefined {
  if (SAFE_METHODS.has(req.method ?? "GET")) return undefined;
  const fetchSite = header(req, "sec-fetch-site");
  if (fetchSite !== undefined && fetchSite !== "same-origin" && fetchSite !== "none") return `a ${fetchSite} request may not change anything here`;
  const origin = header(req, "origin");
  if (origin === undefined) return undefined;
  const own = new Set<string>();
  const host = header(req, "host");
  if (host) own.add(`http://${host}`).add(`https://${host}`);
  const publicOrigin = originOf(publicUrl);
  if (publicOrigin) own.add(publicOrigin);
  return own.has(origin.toLowerCase()) ? undefined : `a request from ${JSON.stringify(origin)} may not change anything here`;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === "string" ? value.trim() : undefined;
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin.toLowerCase();
  } catch {
    return undefined;
  }
}
