import type { IncomingMessage } from "node:http";

/**
 * The token a request carries: `Authorization: Bearer <token>` (the CLI) or
 * HTTP Basic with the token as the password and any user name (git, browsers).
 */
export function tokenFromRequest(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const [scheme = "", value = ""] = header.trim().split(/\s+/, 2);
  if (scheme.toLowerCase() === "bearer") return value || undefined;
  if (scheme.toLowerCase() !== "basic") return undefined;
  const decoded = Buffer.from(value, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon >= 0 ? decoded.slice(colon + 1) || undefined : undefined;
}

/** How the request carries its token: a browser remembers and resends Basic on its own, never Bearer. */
export function credentialScheme(req: IncomingMessage): "bearer" | "basic" | undefined {
  const scheme = req.headers.authorization?.trim().split(/\s+/, 1)[0]?.toLowerCase();
  return scheme === "bearer" || scheme === "basic" ? scheme : undefined;
}
