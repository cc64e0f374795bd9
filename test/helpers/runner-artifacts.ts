import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { list } from "tar";
import type { Completion } from "../../core/protocol/messages.js";
import type { RelayStore } from "../../core/relay/relay-store.js";

/** The bytes of a completion's artifact, read back from the relay. */
export async function artifactBytes(store: RelayStore, completion: Completion, name: string): Promise<Buffer> {
  const artifact = completion.artifacts.find((a) => a.name === name);
  if (!artifact) throw new Error(`no artifact ${name} in ${JSON.stringify(completion.artifacts.map((a) => a.name))}`);
  const bytes = await store.get(artifact.key);
  if (!bytes) throw new Error(`artifact ${artifact.key} is not in the relay`);
  return Buffer.from(bytes);
}

/** Member names and contents of a tar.gz artifact (regular files only; links listed with "-> target"). */
export async function readArchive(store: RelayStore, completion: Completion, name: string, scratch: string): Promise<Map<string, string>> {
  const file = join(scratch, `${completion.taskId}-${name}`);
  writeFileSync(file, await artifactBytes(store, completion, name));
  const members = new Map<string, string>();
  await list({
    file,
    onReadEntry: (entry) => {
      if (entry.type !== "File") {
        members.set(entry.path, `-> ${entry.linkpath ?? entry.type}`);
        entry.resume();
        return;
      }
      const chunks: Buffer[] = [];
      entry.on("data", (c: Buffer) => chunks.push(c));
      entry.on("end", () => members.set(entry.path, Buffer.concat(chunks).toString("utf8")));
    },
  });
  return members;
}
