import assert from "node:assert/strict";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import type { Forge } from "../../action/forge/forge.js";
import type { PushSource } from "../../action/forge/push-source.js";
import type { Repositories } from "../../action/githost/repositories.js";
import { readBranchRefs } from "../../action/push/read-branch-refs.js";
import type { GitRunner } from "../../action/githost/git-runner.js";
import { sha256 } from "../../core/hash.js";
import type { Artifact } from "../../core/protocol/messages.js";
import { DirRelayStore } from "../../core/relay/dir-store.js";
import type { RelayStore } from "../../core/relay/relay-store.js";
import { git, makeProject, sampleProject } from "./action-git.js";
import { tempDir } from "./temp-dir.js";

/** One forge behind the two ports, as the action would hold it, with ways to look at the forge's side. */
export interface ForgeUnderTest {
  forge: Forge;
  pushSource: PushSource;
  /** The repositories the action reads pushes from (the built-in host's own, or the mirrors). */
  repos: Repositories;
  git: GitRunner;
  /** Where a student pushes, and the git environment that may push there. */
  pushUrl: string;
  pushEnv: Record<string, string>;
  /** The state of each context on the commit, as the forge shows it now. */
  statuses(commit: string): Promise<Map<string, string>>;
  /** The tag's release as the forge shows it: the commit it points at and its asset names. */
  release(tag: string): Promise<{ commit: string; assets: string[] } | undefined>;
}

export type ForgeSetup = (t: TestContext, store: RelayStore, work: string) => Promise<ForgeUnderTest>;

const REPO = { owner: "alice", name: "hw" };

/**
 * The contract every forge adapter keeps (built-in, Gitea/Forgejo, GitHub):
 * statuses show the latest state per context; a release is published once,
 * at the commit, with every artifact, however often it is repeated; the push
 * source brings pushed and deleted ailab branches into the local copy.
 */
export function forgeContract(name: string, setup: ForgeSetup): void {
  test(`${name}: pushes and deletions of ailab branches reach the local copy`, async (t) => {
    const work = await tempDir(t);
    const f = await setup(t, new DirRelayStore(join(work, "relay")), work);
    const project = join(work, "proj");
    const commit = await makeProject(project, sampleProject(), f.pushEnv);
    await git(project, ["push", "--quiet", f.pushUrl, "HEAD:refs/heads/ailab/train", "HEAD:refs/heads/main"], f.pushEnv);
    await f.pushSource.refresh(REPO);
    assert.deepEqual(await readBranchRefs(f.git, f.repos.gitDir(REPO)), new Map([["refs/heads/ailab/train", commit]]), "ailab branches only");
    assert.ok((await f.pushSource.listRepositories()).some((r) => r.owner === "alice" && r.name === "hw"));
    if (f.pushSource.peekRefs) assert.deepEqual(await f.pushSource.peekRefs(REPO), new Map([["refs/heads/ailab/train", commit]]));
    await git(project, ["push", "--quiet", f.pushUrl, ":refs/heads/ailab/train"], f.pushEnv);
    await f.pushSource.refresh(REPO);
    assert.deepEqual(await readBranchRefs(f.git, f.repos.gitDir(REPO)), new Map());
  });

  test(`${name}: statuses show the latest state per context; a release is made once with every artifact`, async (t) => {
    const work = await tempDir(t);
    const store = new DirRelayStore(join(work, "relay"));
    const f = await setup(t, store, work);
    const project = join(work, "proj");
    const commit = await makeProject(project, sampleProject(), f.pushEnv);
    await git(project, ["push", "--quiet", f.pushUrl, "HEAD:refs/heads/ailab/train"], f.pushEnv);
    const status = { repo: "alice/hw", commit, context: "ailab/train", targetUrl: "http://ailab.test/tasks/t-1", taskId: "01m98aaaaa-aaaa" };
    await f.forge.setStatus({ ...status, state: "pending", description: "queued: 1st in line" });
    await f.forge.setStatus({ ...status, context: "ailab/other", state: "pending", description: "building environment" });
    await f.forge.setStatus({ ...status, state: "success", description: "completed in 0:00:04" });
    assert.deepEqual(await f.statuses(commit), new Map([["ailab/other", "pending"], ["ailab/train", "success"]]));

    const artifacts: Artifact[] = [];
    for (const [name, text] of [["results.tar.gz", "results bytes"], ["logs.tar.gz", "log bytes"], ["run.json", "{}"]] as const) {
      const key = `results/01m98aaaaa-aaaa/${name}`;
      await store.put(key, Buffer.from(text));
      artifacts.push({ name, key, size: Buffer.byteLength(text), sha256: sha256(text) });
    }
    const release = { repo: "alice/hw", commit, tag: "ailab/01m98aaaaa-aaaa", taskId: "01m98aaaaa-aaaa", title: "ailab/train: success — completed", artifacts, targetUrl: status.targetUrl };
    await f.forge.publishRelease(release);
    // Repeated, as after a crash between two steps: nothing is doubled.
    await f.forge.publishRelease(release);
    const shown = await f.release(release.tag);
    assert.equal(shown?.commit, commit);
    assert.deepEqual(shown.assets.sort(), ["logs.tar.gz", "results.tar.gz", "run.json"]);
  });
}
