import { AilabError } from "../core/errors.js";

/** uv cannot be run: the message says how to install it and where the runner looks. */
export function uvMissingError(uvPath: string, cause: unknown): AilabError {
  return new AilabError(
    "UvMissing",
    `uv was not found at ${JSON.stringify(uvPath)}, and the runner needs it to build Python environments. ` +
      "Install it with `pip install uv` (or `pipx install uv`, or Astral's standalone installer: " +
      "`curl -LsSf https://astral.sh/uv/install.sh | sh`), then start the runner again; " +
      `the runner looks for uv at ${JSON.stringify(uvPath)} (set AILAB_UV to change that).`,
    { uvPath },
    { cause },
  );
}

/**
 * A uv command failed while building an environment: the message carries
 * uv's last lines (where it says what went wrong); `data.output` keeps all
 * of its output for the task's build log.
 */
export function envBuildError(step: string, result: { exitCode: number | null; stdout: string; stderr: string }): AilabError {
  const status = result.exitCode === null ? "was stopped" : `exited with ${result.exitCode}`;
  const lines = lastLines(result.stderr || result.stdout, 12);
  return new AilabError("EnvBuildFailed", `environment build failed: ${step} ${status}${lines ? `:\n${lines}` : ""}`, {
    step,
    exitCode: result.exitCode,
    output: `${result.stdout}${result.stderr}`,
  });
}

/** The last `count` non-empty lines of `text`, without terminal colours. */
export function lastLines(text: string, count: number): string {
  return text
    // eslint-disable-next-line no-control-regex
    .replace(/\u001b\[[0-9;?]*[A-Za-z]/g, "")
    .split(/\r?\n|\r/)
    .map((line) => line.trimEnd())
    .filter((line) => line.trim() !== "")
    .slice(-count)
    .join("\n");
}
