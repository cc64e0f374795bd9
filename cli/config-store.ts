import { chmod, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { ForgeView } from "../core/api/types.js";
import { errnoCode } from "../core/errors.js";
import { UsageError } from "./cli-errors.js";

/** What `ailab login` stores: the server, the token and whom it belongs to. */
export const StoredLogin = z.object({
  url: z.url(),
  token: z.string().min(1),
  user: z.string().min(1),
  /** The forge the server serves, when it is not the built-in git host: the token is then a forge token. */
  forge: ForgeView.optional(),
});
export type StoredLogin = z.infer<typeof StoredLogin>;

/** Reads and writes the CLI's login. The token is a secret: the file is 0600 in a 0700 folder. */
export interface ConfigStore {
  /** The file the login lives in (for messages). */
  readonly path: string;
  /** The stored login, or undefined when there is none. */
  read(): Promise<StoredLogin | undefined>;
  write(login: StoredLogin): Promise<void>;
}

/**
 * The config folder: `$XDG_CONFIG_HOME/ailab`, or `~/.config/ailab` when
 * XDG_CONFIG_HOME is unset or not absolute (as the XDG spec says).
 */
export function configDir(env: Record<string, string | undefined>, home: string = homedir()): string {
  const xdg = env.XDG_CONFIG_HOME;
  const base = xdg && xdg.startsWith("/") ? xdg : join(env.HOME || home, ".config");
  return join(base, "ailab");
}

/** A config store backed by `<dir>/config.json`. */
export function fileConfigStore(dir: string): ConfigStore {
  const path = join(dir, "config.json");
  return {
    path,
    async read() {
      let text: string;
      try {
        text = await readFile(path, "utf8");
      } catch (e) {
        if (errnoCode(e) === "ENOENT") return undefined;
        throw e;
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new UsageError("ConfigInvalid", `${path} is not valid JSON; run \`ailab login URL\` again`, { path });
      }
      const result = StoredLogin.safeParse(parsed);
      if (!result.success) {
        throw new UsageError("ConfigInvalid", `${path} does not hold a login; run \`ailab login URL\` again`, { path });
      }
      return result.data;
    },
    async write(login) {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await chmod(dir, 0o700);
      // Written whole to a private temporary file, then renamed: never a
      // moment where the token sits in a file others can read.
      const temporary = `${path}.${process.pid}.tmp`;
      await writeFile(temporary, JSON.stringify(login, null, 2) + "\n", { mode: 0o600 });
      await chmod(temporary, 0o600);
      await rename(temporary, path);
    },
  };
}
