import { ConfigError } from "../../core/errors.js";
import { readActionConfig, readDataDir } from "../action-config.js";
import { openActionDb } from "../action-db.js";
import { readForgeConfig } from "../forge/forge-config.js";
import { createForgeClient } from "../forge/remote/forge-client.js";
import { addForgeTarget } from "../forge/remote/forge-targets.js";
import { toRepoName } from "../forge/remote/mirror-push-source.js";
import { startAction } from "../start-action.js";
import { withConfigFile } from "./read-config-file.js";
import { parseRepoName } from "../users/names.js";
import { listUsers } from "../users/list-users.js";
import { parseExpiry } from "../users/parse-expiry.js";
import { revokeGrant, revokeToken, revokeUserTokens } from "../users/revoke-access.js";
import { hashToken, tokenId } from "../users/tokens.js";
import { addUser, grantAccess, issueToken, type TokenOptions } from "../users/user-store.js";
import type { ActionCommands } from "./build-action-program.js";

/** The outside world the commands touch, passed in by main. */
export interface CommandIo {
  env: NodeJS.ProcessEnv;
  stdout: { write(text: string): void };
  stderr: { write(text: string): void };
  /** Aborts when the process is asked to stop (SIGINT, SIGTERM). */
  stopSignal(): AbortSignal;
}

/** The real commands: tokens go to stdout (data), everything else to stderr. */
export function createActionCommands(io: CommandIo): ActionCommands {
  const withDb = <T>(dataDir: string | undefined, work: (db: ReturnType<typeof openActionDb>) => T): T => {
    const db = openActionDb(readDataDir({ ...(dataDir !== undefined ? { dataDir } : {}) }, io.env));
    try {
      return work(db);
    } finally {
      db.close();
    }
  };
  return {
    async serve(flags) {
      const config = readActionConfig(withConfigFile(flags, io.env), io.env);
      const stop = io.stopSignal();
      const action = await startAction(config);
      io.stderr.write(`ailab-action listening on ${action.url} (data in ${config.dataDir}); stop with Ctrl-C\n`);
      if (!stop.aborted) await new Promise((resolve) => stop.addEventListener("abort", resolve, { once: true }));
      await action.stop();
    },
    async forgeHook(target, flags) {
      const options = withConfigFile(flags, io.env);
      const forge = readForgeConfig(options, io.env);
      if (forge.kind === "builtin") throw new ConfigError("forge hook needs a forge: --forge gitea, forgejo or github (or [forge] kind in the config file)", { setting: "forge" });
      const publicUrl = (options.publicUrl ?? io.env.AILAB_PUBLIC_URL)?.replace(/\/+$/, "");
      if (publicUrl === undefined || !/^https?:\/\/[^\s/]+(\/\S*)?$/.test(publicUrl)) {
        throw new ConfigError("forge hook needs the address the forge reaches the action at: --public-url https://ailab.example.org", { setting: "publicUrl" });
      }
      const repo = target.includes("/") ? toRepoName(target) : undefined;
      if (target.includes("/") && !repo) throw new ConfigError(`${JSON.stringify(target)} is not OWNER or OWNER/REPO`, { setting: "target" });
      if (!target.includes("/") && !/^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/.test(target)) throw new ConfigError(`${JSON.stringify(target)} is not an organisation name`, { setting: "target" });
      const key = repo ? `${repo.owner}/${repo.name}` : target.toLowerCase();
      const url = `${publicUrl}/forge/webhook`;
      const client = createForgeClient(forge);
      const { id } = await client.createHook(repo ? { repo: key } : { org: key }, url, forge.webhookSecret);
      withDb(options.dataDir, (db) => addForgeTarget(db, key, repo ? "repo" : "org", id, new Date().toISOString()));
      io.stdout.write(`${id}\n`);
      io.stderr.write(
        `webhook ${id} created on ${repo ? "repository" : "organisation"} ${key}: push and delete events to ${url}\n` +
          `the forge must be allowed to reach that address (Gitea: [webhook] ALLOWED_HOST_LIST)\n`,
      );
    },
    userAdd(name, options) {
      const expiry = tokenOptions(options.expires);
      const token = withDb(options.dataDir, (db) => addUser(db, name, { admin: options.admin, ...expiry }));
      io.stdout.write(`${token}\n`);
      io.stderr.write(`user ${name}${options.admin ? " (admin)" : ""} created; ${describeToken(token, expiry)}; the token above is shown only once\n`);
      return Promise.resolve();
    },
    userToken(name, options) {
      const expiry = tokenOptions(options.expires);
      const token = withDb(options.dataDir, (db) => issueToken(db, name, new Date(), expiry));
      io.stdout.write(`${token}\n`);
      io.stderr.write(`${describeToken(token, expiry)}\n`);
      return Promise.resolve();
    },
    userList(options) {
      const users = withDb(options.dataDir, (db) => listUsers(db));
      if (options.json) {
        io.stdout.write(`${JSON.stringify(users)}\n`);
        return Promise.resolve();
      }
      const rows = users.map((u) => [u.name, u.admin ? "admin" : "", `${u.liveTokens}/${u.allTokens}`, u.createdAt, u.lastUsedAt ?? "never"]);
      io.stdout.write(formatTable([["USER", "ADMIN", "TOKENS(LIVE/ALL)", "CREATED", "LAST USED"], ...rows]));
      return Promise.resolve();
    },
    userRevoke(name, options) {
      const count = withDb(options.dataDir, (db) => revokeUserTokens(db, name));
      io.stderr.write(`revoked ${count} token${count === 1 ? "" : "s"} of ${name}; their next request is refused\n`);
      return Promise.resolve();
    },
    tokenRevoke(name, options) {
      const { id, user } = withDb(options.dataDir, (db) => revokeToken(db, name));
      io.stderr.write(`revoked token ${id} of ${user}\n`);
      return Promise.resolve();
    },
    grant(user, repo, options) {
      const target = parseRepoName(repo);
      if (options.revoke) {
        const had = withDb(options.dataDir, (db) => revokeGrant(db, user, target));
        io.stderr.write(had ? `${user} may no longer read or push to ${repo}\n` : `${user} had no grant on ${repo}; nothing changed\n`);
        return Promise.resolve();
      }
      withDb(options.dataDir, (db) => grantAccess(db, user, target, options.write));
      io.stderr.write(`${user} may now ${options.write ? "read and push to" : "read"} ${repo}\n`);
      return Promise.resolve();
    },
  };
}

function tokenOptions(expires: string | undefined): TokenOptions {
  return expires === undefined ? {} : { expiresAt: parseExpiry(expires) };
}

function describeToken(token: string, options: TokenOptions): string {
  const id = tokenId(hashToken(token));
  return options.expiresAt ? `token ${id}, expires ${options.expiresAt.toISOString()}` : `token ${id}, valid until revoked`;
}

/** Columns padded to their widest cell, for a terminal. */
function formatTable(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join("  ")).join("\n") + "\n";
}
