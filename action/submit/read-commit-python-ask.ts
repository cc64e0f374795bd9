import { posix } from "node:path";
import type { PythonAsk } from "../../core/python/check-python-available.js";
import { readPythonAsk } from "../../core/python/read-python-ask.js";
import type { Task } from "../../core/task/task.js";
import type { CommitFile } from "./read-commit-tree.js";

/**
 * The Python a pushed project asks for: requires-python in its pyproject
 * and the `.python-version` beside it (the files the runner builds the
 * environment from, see buildEnvManifest). Files the commit lacks ask for
 * nothing; the environment check reports them.
 */
export async function readCommitPythonAsk(
  environment: Task["environment"],
  files: ReadonlyMap<string, CommitFile>,
  read: (file: CommitFile) => Promise<Uint8Array>,
): Promise<PythonAsk> {
  const text = async (path: string) => {
    const file = files.get(path);
    return file ? Buffer.from(await read(file)).toString("utf8") : undefined;
  };
  const pyproject = posix.normalize(environment.pyproject);
  return readPythonAsk(await text(pyproject), await text(posix.join(posix.dirname(pyproject), ".python-version")));
}
