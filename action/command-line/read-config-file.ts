import { readFileSync } from "node:fs";
import { parse } from "smol-toml";
import { ConfigError, errnoCode } from "../../core/errors.js";
import type { ActionOptions } from "../action-config.js";

/** The config file's keys and the option each fills. */
const TOP_LEVEL: Record<string, keyof ActionOptions> = {
  data_dir: "dataDir",
  relay: "relay",
  secret_file: "secretFile",
  listen: "listen",
  public_url: "publicUrl",
  runner_name: "runnerName",
  runner_stale_ms: "runnerStaleMs",
  poll_min_ms: "pollMinMs",
  poll_max_ms: "pollMaxMs",
  reconcile_ms: "reconcileMs",
  max_waiting_tasks: "maxWaitingTasks",
  max_repos_per_user: "maxReposPerUser",
  max_git_per_user: "maxGitPerUser",
  max_push_mb: "maxPushMb",
};
const FORGE_TABLE: Record<string, keyof ActionOptions> = {
  kind: "forge",
  url: "forgeUrl",
  api_url: "forgeApiUrl",
  token_file: "forgeTokenFile",
  webhook_secret_file: "webhookSecretFile",
  max_asset_mb: "forgeMaxAssetMb",
};

/**
 * Reads ailab-action's TOML config file into options: top-level keys as the
 * flags without dashes (`data_dir`, `relay`, `listen`, `public_url`, …) and a
 * `[forge]` table (`kind`, `url`, `token_file`, `webhook_secret_file`, …).
 * Secrets are never written in it, only the files that hold them. An
 * unknown key is an error naming it, so a typo is not silently ignored.
 */
export function readConfigFile(path: string): ActionOptions {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new ConfigError(`cannot read the config file ${JSON.stringify(path)}: ${errnoCode(e) ?? String(e)}`, { setting: "config" });
  }
  let doc: Record<string, unknown>;
  try {
    doc = parse(text);
  } catch (e) {
    throw new ConfigError(`${path}: not valid TOML: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`, { setting: "config" });
  }
  const options: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(doc)) {
    if (key === "forge" && typeof value === "object" && value !== null && !Array.isArray(value)) {
      for (const [forgeKey, forgeValue] of Object.entries(value as Record<string, unknown>)) {
        const option = FORGE_TABLE[forgeKey];
        if (!option) throw new ConfigError(`${path}: unknown key forge.${forgeKey}; expected one of ${Object.keys(FORGE_TABLE).join(", ")}`, { setting: "config" });
        options[option] = scalar(path, `forge.${forgeKey}`, forgeValue);
      }
      continue;
    }
    const option = TOP_LEVEL[key];
    if (!option) throw new ConfigError(`${path}: unknown key ${key}; expected one of ${[...Object.keys(TOP_LEVEL), "[forge]"].join(", ")}`, { setting: "config" });
    options[option] = scalar(path, key, value);
  }
  return options;
}

function scalar(path: string, key: string, value: unknown): string | number {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "bigint") return Number(value);
  throw new ConfigError(`${path}: ${key} must be a string or a number`, { setting: "config" });
}

/** Flags win over the file; what neither gives falls back to the environment (in readActionConfig). */
export function withConfigFile(flags: ActionOptions & { config?: string }, env: NodeJS.ProcessEnv): ActionOptions {
  const { config, ...given } = flags;
  const path = config ?? env.AILAB_ACTION_CONFIG;
  if (path === undefined) return given;
  const defined = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined));
  return { ...readConfigFile(path), ...defined };
}
