import { readActionConfig, readDataDir } from "../action-config.js";
import { openActionDb } from "../action-db.js";
import { startAction } from "../start-action.js";
import { parseRepoName } from "../users/names.js";
import { addUser, grantAccess, issueToken } from "../users/user-store.js";
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
    async serve(options) {
      const config = readActionConfig(options, io.env);
      const stop = io.stopSignal();
      const action = await startAction(config);
      io.stderr.write(`ailab-action listening on ${action.url} (data in ${config.dataDir}); stop with Ctrl-C\n`);
      if (!stop.aborted) await new Promise((resolve) => stop.addEventListener("abort", resolve, { once: true }));
      await action.stop();
    },
    userAdd(name, options) {
      const token = withDb(options.dataDir, (db) => addUser(db, name, { admin: options.admin }));
      io.stdout.write(`${token}\n`);
      io.stderr.write(`user ${name}${options.admin ? " (admin)" : ""} created; the token above is shown only once\n`);
      return Promise.resolve();
    },
    userToken(name, options) {
      io.stdout.write(`${withDb(options.dataDir, (db) => issueToken(db, name))}\n`);
      return Promise.resolve();
    },
    grant(user, repo, options) {
      const target = parseRepoName(repo);
      withDb(options.dataDir, (db) => grantAccess(db, user, target, options.write));
      io.stderr.write(`${user} may now ${options.write ? "read and push to" : "read"} ${repo}\n`);
      return Promise.resolve();
    },
  };
}
