import { Command, Option } from "commander";
import type { ActionOptions } from "../action-config.js";

/** What each command does; `main.ts` passes the real ones, tests pass recorders. */
export interface ActionCommands {
  serve(options: ActionOptions & { config?: string }): Promise<void>;
  forgeHook(target: string, options: ActionOptions & { config?: string }): Promise<void>;
  userAdd(name: string, options: { admin: boolean; expires?: string; dataDir?: string }): Promise<void>;
  userToken(name: string, options: { expires?: string; dataDir?: string }): Promise<void>;
  userList(options: { json: boolean; dataDir?: string }): Promise<void>;
  userRevoke(name: string, options: { dataDir?: string }): Promise<void>;
  tokenRevoke(name: string, options: { dataDir?: string }): Promise<void>;
  grant(user: string, repo: string, options: { write: boolean; revoke: boolean; dataDir?: string }): Promise<void>;
}

export interface ProgramOutput {
  writeOut(text: string): void;
  writeErr(text: string): void;
}

const EXPIRES_HELP = "the token stops working after this long: 12h, 30d, 8w (default: until revoked)";
const DATA_DIR_HELP = "the action's data folder (env AILAB_ACTION_DIR; default ~/.local/share/ailab/action)";

/** The forge settings, shared by `serve` and `forge hook`. */
function addForgeOptions(command: Command): Command {
  return command
    .option("--config <file>", "a TOML config file: the flags' names with underscores, and a [forge] table (env AILAB_ACTION_CONFIG); flags win over it")
    .option("--forge <kind>", "builtin (the action's own git host), gitea, forgejo or github (env AILAB_FORGE; default builtin)")
    .option("--forge-url <url>", "the forge's web address, e.g. https://gitea.example/ (env AILAB_FORGE_URL; github defaults to https://github.com/)")
    .option("--forge-api-url <url>", "its REST API, when not <url>/api/v1 (Gitea) or api.github.com / <url>/api/v3 (env AILAB_FORGE_API_URL)")
    .option("--forge-token-file <file>", "file holding the bot account's token (env AILAB_FORGE_TOKEN_FILE)")
    .option("--webhook-secret-file <file>", "file holding the webhooks' secret, at least 16 characters (env AILAB_WEBHOOK_SECRET_FILE)")
    .option("--public-url <url>", "base URL students and the forge reach the action at, for status links and the webhook (env AILAB_PUBLIC_URL; default the listen address)");
}

/**
 * The `ailab-action` command line, parsed apart from running (gh's
 * NewCmd(f, runF)): errors throw instead of exiting.
 */
export function buildActionProgram(commands: ActionCommands, output: ProgramOutput): Command {
  const program = new Command("ailab-action")
    .description("The forge side of ailab: built-in git host, push → task submission, statuses, and the API the `ailab` CLI uses.")
    .exitOverride()
    .configureOutput(output)
    .showSuggestionAfterError()
    .helpCommand(true);

  const serve = program
    .command("serve")
    .description("run the git host (or take a forge's webhooks), the API and the relay loop until SIGINT/SIGTERM")
    .option("--data-dir <dir>", DATA_DIR_HELP)
    .option("--relay <dir-or-s3-url>", "the relay shared with the runners: a folder or s3://BUCKET/PREFIX (env AILAB_RELAY; S3 reads AILAB_S3_ENDPOINT, AILAB_S3_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)")
    .option("--relay-dir <dir>", "a relay folder (env AILAB_RELAY_DIR; same as --relay DIR)")
    .option("--secret-file <file>", "file holding the relay secret (env AILAB_SECRET_FILE, or AILAB_SECRET itself)")
    .option("--listen <host:port>", "address to listen on (env AILAB_LISTEN)", undefined)
    .option("--runner-name <name>", "runner that gets the submit messages until a runner sends a heartbeat (env AILAB_RUNNER_NAME; default local)")
    .addOption(new Option("--runner-stale-ms <ms>", "a runner silent this long gets no tasks while others are fresh (default 600000)").env("AILAB_RUNNER_STALE_MS"))
    .addOption(new Option("--poll-min-ms <ms>", "relay polling while tasks are in flight (default 1000)").env("AILAB_POLL_MIN_MS"))
    .addOption(new Option("--poll-max-ms <ms>", "relay polling cap when idle (default 15000)").env("AILAB_POLL_MAX_MS"))
    .option("--forge-max-asset-mb <mb>", "release assets larger than this stay with ailab and the release links them (env AILAB_FORGE_MAX_ASSET_MB; default 2048)")
    .option("--reconcile-ms <ms>", "with a forge: how often every hooked repository is compared with the forge, for lost deliveries (env AILAB_RECONCILE_MS; default 300000)")
    .option("--max-waiting-tasks <n>", "tasks one user may have submitted or queued; the push past it gets an error status (env AILAB_MAX_WAITING_TASKS; default 20)")
    .option("--max-repos-per-user <n>", "built-in git host: repositories one user may create (env AILAB_MAX_REPOS_PER_USER; default 50)")
    .option("--max-git-per-user <n>", "built-in git host: git requests one user may have running at once, more get 503 (env AILAB_MAX_GIT_PER_USER; default 4)")
    .option("--max-push-mb <mb>", "built-in git host: the largest push taken, in MiB (env AILAB_MAX_PUSH_MB; default 200)");
  addForgeOptions(serve).action((options: ActionOptions & { config?: string }) => commands.serve(options));

  const forge = program.command("forge").description("connect the action to a Gitea, Forgejo or GitHub");
  addForgeOptions(
    forge
      .command("hook <owner[/repo]>")
      .description("create the push-and-delete webhook on a repository, or on an organisation (every repository of a course at once)")
      .option("--data-dir <dir>", DATA_DIR_HELP),
  ).action((target: string, options: ActionOptions & { config?: string }) => commands.forgeHook(target, options));

  const user = program.command("user").description("manage users and their tokens (works while the server runs)");
  user
    .command("add <name>")
    .description("create a user and print their token (shown once; only its hash is kept)")
    .option("--admin", "the user may read, push and see tasks everywhere", false)
    .option("--expires <duration>", EXPIRES_HELP)
    .option("--data-dir <dir>", DATA_DIR_HELP)
    .action((name: string, options: { admin: boolean; expires?: string; dataDir?: string }) => commands.userAdd(name, options));
  user
    .command("token <name>")
    .description("issue another token for a user and print it (older tokens stay valid)")
    .option("--expires <duration>", EXPIRES_HELP)
    .option("--data-dir <dir>", DATA_DIR_HELP)
    .action((name: string, options: { expires?: string; dataDir?: string }) => commands.userToken(name, options));
  user
    .command("list")
    .description("every user: admin or not, live and issued tokens, created, last used")
    .option("--json", "one JSON array on stdout, for scripts", false)
    .option("--data-dir <dir>", DATA_DIR_HELP)
    .action((options: { json: boolean; dataDir?: string }) => commands.userList(options));
  user
    .command("revoke <name>")
    .description("revoke every token of a user, at once (their next request is refused; grants stay)")
    .option("--data-dir <dir>", DATA_DIR_HELP)
    .action((name: string, options: { dataDir?: string }) => commands.userRevoke(name, options));

  program
    .command("token")
    .description("manage single tokens")
    .command("revoke <id-or-prefix>")
    .description("revoke one token: its id (from token creation or user list) or ailab_ and its first 6-8 hex digits")
    .option("--data-dir <dir>", DATA_DIR_HELP)
    .action((name: string, options: { dataDir?: string }) => commands.tokenRevoke(name, options));

  program
    .command("grant <user> <owner/repo>")
    .description("let a user read a repository (and with --write, push to it) and see its tasks; --revoke takes it back")
    .option("--write", "allow pushing too", false)
    .option("--revoke", "remove the grant instead", false)
    .option("--data-dir <dir>", DATA_DIR_HELP)
    .action((name: string, repo: string, options: { write: boolean; revoke: boolean; dataDir?: string }) => commands.grant(name, repo, options));

  return program;
}
