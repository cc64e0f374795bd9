import { readFileSync } from "node:fs";
import { ConfigError, errnoCode } from "../../core/errors.js";

/** The forges the action can serve: its own git host, or one a course already runs. */
export const FORGE_KINDS = ["builtin", "gitea", "forgejo", "github"] as const;
export type ForgeKind = (typeof FORGE_KINDS)[number];
export type RemoteForgeKind = Exclude<ForgeKind, "builtin">;

/** A Gitea, Forgejo or GitHub the action talks to with a bot account. */
export interface RemoteForgeConfig {
  kind: RemoteForgeKind;
  /** The forge's web root with a trailing slash (Gitea's ROOT_URL), e.g. https://gitea.example/ */
  url: string;
  /** REST API root without a trailing slash: <url>api/v1 (Gitea, Forgejo), https://api.github.com or <url>api/v3 (GitHub Enterprise). */
  apiUrl: string;
  /** GitHub's asset upload root (uploads.github.com or <url>api/uploads); the API root on Gitea. */
  uploadsUrl: string;
  /** The bot's token (read from a file, never given inline, so it stays out of `ps`). */
  token: string;
  /** The webhooks' HMAC secret, from a file. */
  webhookSecret: string;
  /** Assets larger than this stay with ailab and the release links to them (the forge's own limit may be lower: a 413 does the same). */
  maxAssetBytes: number;
}

export type ForgeConfig = { kind: "builtin" } | RemoteForgeConfig;

/** What the command line or the config file gave; each also has an AILAB_* variable. */
export interface ForgeOptions {
  forge?: string;
  forgeUrl?: string;
  forgeApiUrl?: string;
  forgeTokenFile?: string;
  webhookSecretFile?: string;
  forgeMaxAssetMb?: string | number;
}

/** GitHub's own limit for a release asset is 2 GiB; Gitea's default (1.26) is the same. */
const DEFAULT_MAX_ASSET_MB = 2048;
const MIN_WEBHOOK_SECRET_LENGTH = 16;

/**
 * Reads the forge settings: --forge (AILAB_FORGE, default builtin),
 * --forge-url (AILAB_FORGE_URL), --forge-api-url (AILAB_FORGE_API_URL,
 * derived from the URL when absent), --forge-token-file
 * (AILAB_FORGE_TOKEN_FILE), --webhook-secret-file (AILAB_WEBHOOK_SECRET_FILE),
 * --forge-max-asset-mb (AILAB_FORGE_MAX_ASSET_MB). Throws ConfigError naming
 * the setting; a token or secret is never quoted.
 */
export function readForgeConfig(options: ForgeOptions, env: NodeJS.ProcessEnv): ForgeConfig {
  const kind = options.forge ?? env.AILAB_FORGE ?? "builtin";
  if (!(FORGE_KINDS as readonly string[]).includes(kind)) {
    throw new ConfigError(`forge ${JSON.stringify(kind)} is not one of ${FORGE_KINDS.join(", ")}`, { setting: "forge" });
  }
  if (kind === "builtin") return { kind: "builtin" };
  const remote = kind as RemoteForgeKind;
  const rawUrl = options.forgeUrl ?? env.AILAB_FORGE_URL ?? (remote === "github" ? "https://github.com/" : undefined);
  if (rawUrl === undefined) throw new ConfigError(`forge ${remote} needs its URL: --forge-url https://gitea.example/ (or AILAB_FORGE_URL)`, { setting: "forgeUrl" });
  const url = parseHttpUrl("forge URL", "forgeUrl", rawUrl);
  const webRoot = url.endsWith("/") ? url : `${url}/`;
  const apiUrl = parseHttpUrl("forge API URL", "forgeApiUrl", options.forgeApiUrl ?? env.AILAB_FORGE_API_URL ?? defaultApiUrl(remote, webRoot)).replace(/\/+$/, "");
  const uploadsUrl = remote !== "github" ? apiUrl : apiUrl === "https://api.github.com" ? "https://uploads.github.com" : `${webRoot}api/uploads`;
  const token = readSecretFile("forge token", "forgeTokenFile", options.forgeTokenFile ?? env.AILAB_FORGE_TOKEN_FILE, 1);
  const webhookSecret = readSecretFile("webhook secret", "webhookSecretFile", options.webhookSecretFile ?? env.AILAB_WEBHOOK_SECRET_FILE, MIN_WEBHOOK_SECRET_LENGTH);
  const maxMb = options.forgeMaxAssetMb ?? env.AILAB_FORGE_MAX_ASSET_MB ?? DEFAULT_MAX_ASSET_MB;
  const mb = typeof maxMb === "number" ? maxMb : /^\d+$/.test(maxMb) ? Number(maxMb) : NaN;
  if (!Number.isInteger(mb) || mb < 1) {
    throw new ConfigError(`forge-max-asset-mb ${JSON.stringify(maxMb)} is not a whole number of megabytes >= 1, e.g. 2048`, { setting: "forgeMaxAssetMb" });
  }
  return { kind: remote, url: webRoot, apiUrl, uploadsUrl, token, webhookSecret, maxAssetBytes: mb * 1024 * 1024 };
}

function defaultApiUrl(kind: RemoteForgeKind, webRoot: string): string {
  if (kind !== "github") return `${webRoot}api/v1`;
  return webRoot === "https://github.com/" ? "https://api.github.com" : `${webRoot}api/v3`;
}

function parseHttpUrl(what: string, setting: string, text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(`${what} ${JSON.stringify(text)} is not a URL such as "https://gitea.example/"`, { setting });
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new ConfigError(`${what} ${JSON.stringify(text)} must be http(s)`, { setting });
  if (url.username || url.password) throw new ConfigError(`${what} must not carry credentials; give the token in a file`, { setting });
  if (url.search || url.hash) throw new ConfigError(`${what} ${JSON.stringify(text)} must not have a query or fragment`, { setting });
  return url.href;
}

function readSecretFile(what: string, setting: string, path: string | undefined, minLength: number): string {
  if (path === undefined) throw new ConfigError(`the ${what} file is required with a forge: --${kebab(setting)} FILE`, { setting });
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new ConfigError(`cannot read the ${what} file ${JSON.stringify(path)}: ${errnoCode(e) ?? String(e)}`, { setting });
  }
  const value = text.trim();
  if (value.length < minLength) {
    throw new ConfigError(`the ${what} in ${JSON.stringify(path)} is ${value.length} characters long: expected at least ${minLength}`, { setting });
  }
  if (/\s/.test(value)) throw new ConfigError(`the ${what} in ${JSON.stringify(path)} holds whitespace; expected one line`, { setting });
  return value;
}

function kebab(setting: string): string {
  return setting.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
