import { posix } from "node:path";
import { AilabError } from "../../core/errors.js";
import { sha256 } from "../../core/hash.js";
import type { EnvManifest } from "../../core/protocol/messages.js";
import { relayKeys } from "../../core/relay/layout.js";
import type { RelayStore } from "../../core/relay/relay-store.js";
import type { Task } from "../../core/task/task.js";
import type { CommitFile } from "./read-commit-tree.js";

/**
 * The environment's files as relay objects: pyproject, lockfile, the
 * `.python-version` beside the pyproject (if the commit has one) and the
 * extra wheels. Each object is uploaded unless the relay has it, whether or
 * not the ignore rules kept the file in the snapshot, so the runner can
 * always build the environment. code "EnvFileMissing" if one is absent.
 */
export async function buildEnvManifest(
  store: RelayStore,
  environment: Task["environment"],
  files: ReadonlyMap<string, CommitFile>,
  read: (file: CommitFile) => Promise<Uint8Array>,
): Promise<EnvManifest> {
  const upload = async (path: string): Promise<string> => {
    const file = files.get(path);
    if (!file) throw new AilabError("EnvFileMissing", `${path} is not a file in the commit`, { path });
    const bytes = await read(file);
    const object = sha256(bytes);
    const key = relayKeys.object(object);
    if (!(await store.has(key))) await store.put(key, bytes, { ifAbsent: true });
    return object;
  };
  const pythonVersionPath = posix.join(posix.dirname(environment.pyproject), ".python-version");
  const manifest: EnvManifest = {
    pyproject: await upload(environment.pyproject),
    lockfile: await upload(environment.lockfile),
    wheels: [],
  };
  if (files.has(pythonVersionPath)) manifest.pythonVersion = await upload(pythonVersionPath);
  for (const wheel of environment.extraWheels) {
    manifest.wheels.push({ name: posix.basename(wheel), object: await upload(wheel) });
  }
  return manifest;
}
