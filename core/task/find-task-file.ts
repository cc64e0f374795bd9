import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { AilabError, errnoCode } from "../errors.js";
import { TASK_FILE_NAMES } from "./parse-task-file.js";

/** A task file found on disk. */
export interface FoundTaskFile {
  /** The file's name (`task.toml` or `task_config.toml`), as issues name it. */
  file: string;
  path: string;
  text: string;
}

/**
 * Reads the task file of a project folder: `task.toml`, else
 * `task_config.toml`. Throws AilabError `TaskFileMissing` naming both when
 * neither is there.
 */
export async function findTaskFile(dir: string): Promise<FoundTaskFile> {
  for (const file of TASK_FILE_NAMES) {
    const path = join(dir, file);
    try {
      return { file, path, text: await readFile(path, "utf8") };
    } catch (e) {
      if (errnoCode(e) !== "ENOENT") throw e;
    }
  }
  throw new AilabError("TaskFileMissing", `no ${TASK_FILE_NAMES.join(" or ")} in ${dir} (run \`ailab init\` to write one)`, {
    dir,
    names: [...TASK_FILE_NAMES],
  });
}
