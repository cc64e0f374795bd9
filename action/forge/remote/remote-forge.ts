import { createWriteStream } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { RunCard, type Artifact } from "../../../core/protocol/messages.js";
import type { RelayStore } from "../../../core/relay/relay-store.js";
import type { CommitStatus, Forge, Release } from "../forge.js";
import type { ForgeClient } from "./forge-client.js";
import { runCardMarkdown, type LinkedArtifact } from "./run-card-markdown.js";

/** Gitea and GitHub cut longer descriptions (GitHub refuses them). */
export const MAX_DESCRIPTION = 140;

export interface RemoteForgeDeps {
  client: ForgeClient;
  store: RelayStore;
  /** A folder of the action's own where artifacts are staged for upload. */
  stagingDir: string;
  maxAssetBytes: number;
  /** Where ailab serves an artifact the forge will not take. */
  artifactUrl(taskId: string, name: string): string;
  runnerOf(taskId: string): string | null;
}

/**
 * Gitea, Forgejo or GitHub as the result sink: a commit status per update,
 * and at the end a pre-release tagged `ailab/<task id>` at the commit with
 * the run card as its body and the artifacts as assets. Each step checks
 * what is there first, so repeating it after a crash or a failed call
 * finishes the job without doubling anything.
 */
export function createRemoteForge(deps: RemoteForgeDeps): Forge {
  const { client } = deps;
  return {
    async setStatus(status: CommitStatus) {
      await client.createStatus(status.repo, status.commit, {
        state: status.state,
        description: cut(status.description.replace(/\s*\n\s*/g, " "), MAX_DESCRIPTION),
        context: status.context,
        targetUrl: status.targetUrl,
      });
    },

    async publishRelease(release: Release) {
      const card = await readRunCard(deps.store, release.artifacts);
      const linked: LinkedArtifact[] = [];
      const body = () => runCardMarkdown({ title: release.title, targetUrl: release.targetUrl, runner: deps.runnerOf(release.taskId), card, linked });
      const info = (await client.findRelease(release.repo, release.tag)) ?? (await client.createRelease(release.repo, { tag: release.tag, commit: release.commit, name: release.tag, body: body() }));
      const present = new Set(info.assets.map((a) => a.name));
      for (const artifact of release.artifacts) {
        if (present.has(artifact.name)) continue;
        const link = { name: artifact.name, size: artifact.size, url: deps.artifactUrl(release.taskId, artifact.name) };
        if (artifact.size > deps.maxAssetBytes) {
          linked.push(link);
          continue;
        }
        const outcome = await withStagedFile(deps, release.taskId, artifact, (path) => client.uploadAsset(release.repo, info.id, artifact.name, path));
        // Too large for the forge, or gone from the relay (the link then says so): the release still completes.
        if (outcome !== "uploaded") linked.push(link);
      }
      const wanted = body();
      if (info.body !== wanted) await client.setReleaseBody(release.repo, info.id, wanted);
    },
  };
}

async function readRunCard(store: RelayStore, artifacts: Artifact[]): Promise<RunCard | undefined> {
  const entry = artifacts.find((a) => a.name === "run.json");
  if (!entry) return undefined;
  const bytes = await store.get(entry.key);
  if (!bytes) return undefined;
  try {
    const parsed = RunCard.safeParse(JSON.parse(Buffer.from(bytes).toString("utf8")));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Copies an artifact from the relay to a file of the action's own, runs `work` on it, removes it; "missing" when the relay lost it. */
async function withStagedFile<T>(deps: RemoteForgeDeps, taskId: string, artifact: Artifact, work: (path: string) => Promise<T>): Promise<T | "missing"> {
  const dir = join(deps.stagingDir, taskId);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, artifact.name);
  try {
    const stream = await deps.store.getStream(artifact.key);
    if (!stream) return "missing";
    await pipeline(stream, createWriteStream(path, { mode: 0o600 }));
    return await work(path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
