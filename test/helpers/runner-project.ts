import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { TestContext } from "node:test";
import { sha256 } from "../../core/hash.js";
import { newTaskId } from "../../core/ids.js";
import { deliver, inboxes, sealMessage } from "../../core/protocol/mailbox.js";
import type { Submit } from "../../core/protocol/messages.js";
import type { RelayStore } from "../../core/relay/relay-store.js";
import { publishEnv, publishSnapshot } from "../../core/snapshot/publish-snapshot.js";
import { parseTaskFile } from "../../core/task/parse-task-file.js";
import { findUv } from "../../runner-agent/find-uv.js";
import { runProcess } from "../../runner-agent/process-runner.js";
import { tempDir } from "./temp-dir.js";

export const PYPROJECT = `[project]\nname = "demo"\nversion = "0.1.0"\nrequires-python = ">=3.8"\ndependencies = []\n`;

/** A project as the action publishes it: snapshot and env in the relay, the parsed task. */
export interface PublishedProject {
  tree: string;
  env: string;
  /** A submit message body for this project; a fresh task id unless given. */
  submit(more?: Partial<Submit>): Submit;
}

/**
 * Writes `files` (path → text; a path ending in `*` is made executable)
 * into a temporary project, adds a pyproject.toml and runs the real
 * `uv lock` unless the files bring their own, then publishes snapshot and
 * environment to the relay as the action does. `task.toml` must be among the files.
 */
export async function publishProject(t: TestContext, store: RelayStore, files: Record<string, string>): Promise<PublishedProject> {
  const dir = await tempDir(t, "ailab-project-");
  const all: Record<string, string> = { "pyproject.toml": PYPROJECT, ...files };
  for (const [name, text] of Object.entries(all)) {
    const path = join(dir, name.replace(/\*$/, ""));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text, { mode: name.endsWith("*") ? 0o755 : 0o644 });
  }
  // uv by absolute path: a pyenv shim would read the project's .python-version (see findUv).
  if (!existsSync(join(dir, "uv.lock"))) execFileSync((await findUv("uv", process.env, runProcess)) ?? "uv", ["lock", "--offline", "--quiet"], { cwd: dir, stdio: "pipe" });
  const names = [...Object.keys(all).map((n) => n.replace(/\*$/, "")), "uv.lock"].filter((n, i, a) => a.indexOf(n) === i);
  const snapshot = await publishSnapshot(
    store,
    names.map((path) => ({ path, mode: Object.hasOwn(all, `${path}*`) ? "exec" : "file", read: () => Promise.resolve(readFileSync(join(dir, path))) })),
  );
  const env = await publishEnv(store, {
    pyproject: sha256(readFileSync(join(dir, "pyproject.toml"))),
    lockfile: sha256(readFileSync(join(dir, "uv.lock"))),
    ...(Object.hasOwn(all, ".python-version") ? { pythonVersion: sha256(readFileSync(join(dir, ".python-version"))) } : {}),
    wheels: [],
  });
  const task = parseTaskFile(all["task.toml"] ?? "", { file: "task.toml", branch: "ailab/demo" });
  return {
    tree: snapshot.treeHash,
    env,
    submit: (more = {}) => ({
      kind: "submit",
      taskId: newTaskId(),
      user: "alice",
      repo: "alice/demo",
      branch: "ailab/demo",
      commit: "0123456789abcdef0123456789abcdef01234567",
      task,
      tree: snapshot.treeHash,
      env,
      submittedAt: Date.now(),
      ...more,
    }),
  };
}

/** Sends a message to the runner's inbox exactly as the action does (sealed, then delivered). */
export async function sendToRunner(store: RelayStore, secret: string, runner: string, body: unknown): Promise<string> {
  const message = sealMessage(inboxes.runner(runner), body, secret);
  await deliver(store, message);
  return message.key;
}

/** A task.toml running `commands`, with optional `[run]` results and logs, a time limit, GPUs and more TOML (`extra`). */
export function taskToml(commands: string[], more: { results?: string[]; logs?: string[]; timeLimit?: string; gpus?: number; gpuType?: string; extra?: string } = {}): string {
  const list = (items: string[]) => `[${items.map((i) => JSON.stringify(i)).join(", ")}]`;
  return [
    "[task]",
    'name = "demo"',
    "[resources]",
    `gpus = ${more.gpus ?? 0}`,
    ...(more.gpuType ? [`gpu_type = "${more.gpuType}"`] : []),
    "cpus = 1",
    'memory = "1G"',
    `time_limit = "${more.timeLimit ?? "0:10:00"}"`,
    "[run]",
    `commands = ${list(commands)}`,
    `results = ${list(more.results ?? [])}`,
    `logs = ${list(more.logs ?? [])}`,
    more.extra ?? "",
    "",
  ].join("\n");
}
