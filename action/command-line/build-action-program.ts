import { Command, Option } from "commander";
import type { ActionOptions } from "../action-config.js";

/** What each command does; `main.ts` passes the real ones, tests pass recorders. */
export interface ActionCommands {
  serve(options: ActionOptions): Promise<void>;
  userAdd(name: string, options: { admin: boolean; dataDir?: string }): Promise<void>;
  userToken(name: string, options: { dataDir?: string }): Promise<void>;
  grant(user: string, repo: string, options: { write: boolean; dataDir?: string }): Promise<void>;
}

export interface ProgramOutput {
  writeOut(text: string): void;
  writeErr(text: string): void;
}

const DATA_DIR_HELP = "the action's data folder (env AILAB_ACTION_DIR; default ~/.local/share/ailab/action)";

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

  program
    .command("serve")
    .description("run the git host, the API and the relay loop until SIGINT/SIGTERM")
    .option("--data-dir <dir>", DATA_DIR_HELP)
    .option("--relay <dir-or-s3-url>", "the relay shared with the runners: a folder or s3://BUCKET/PREFIX (env AILAB_RELAY; S3 reads AILAB_S3_ENDPOINT, AILAB_S3_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)")
    .option("--relay-dir <dir>", "a relay folder (env AILAB_RELAY_DIR; same as --relay DIR)")
    .option("--secret-file <file>", "file holding the relay secret (env AILAB_SECRET_FILE, or AILAB_SECRET itself)")
    .option("--listen <host:port>", "address to listen on (env AILAB_LISTEN)", undefined)
    .option("--public-url <url>", "base URL students use, for status links (env AILAB_PUBLIC_URL; default the listen address)")
    .option("--runner-name <name>", "runner that gets the submit messages until a runner sends a heartbeat (env AILAB_RUNNER_NAME; default local)")
    .addOption(new Option("--runner-stale-ms <ms>", "a runner silent this long gets no tasks while others are fresh (default 600000)").env("AILAB_RUNNER_STALE_MS"))
    .addOption(new Option("--poll-min-ms <ms>", "relay polling while tasks are in flight (default 1000)").env("AILAB_POLL_MIN_MS"))
    .addOption(new Option("--poll-max-ms <ms>", "relay polling cap when idle (default 15000)").env("AILAB_POLL_MAX_MS"))
    .action((options: ActionOptions) => commands.serve(options));

  const user = program.command("user").description("manage users and their tokens (works while the server runs)");
  user
    .command("add <name>")
    .description("create a user and print their token (shown once; only its hash is kept)")
    .option("--admin", "the user may read, push and see tasks everywhere", false)
    .option("--data-dir <dir>", DATA_DIR_HELP)
    .action((name: string, options: { admin: boolean; dataDir?: string }) => commands.userAdd(name, options));
  user
    .command("token <name>")
    .description("issue another token for a user and print it (older tokens stay valid)")
    .option("--data-dir <dir>", DATA_DIR_HELP)
    .action((name: string, options: { dataDir?: string }) => commands.userToken(name, options));

  program
    .command("grant <user> <owner/repo>")
    .description("let a user read a repository (and with --write, push to it) and see its tasks")
    .option("--write", "allow pushing too", false)
    .option("--data-dir <dir>", DATA_DIR_HELP)
    .action((name: string, repo: string, options: { write: boolean; dataDir?: string }) => commands.grant(name, repo, options));

  return program;
}
