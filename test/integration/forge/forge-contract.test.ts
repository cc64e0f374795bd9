import { join } from "node:path";
import { openActionDb } from "../../../action/action-db.js";
import { createBuiltinForge, NOTES_REF } from "../../../action/forge/builtin-forge.js";
import { builtinPushSource } from "../../../action/forge/push-source.js";
import { createForgeClient } from "../../../action/forge/remote/forge-client.js";
import { addForgeTarget } from "../../../action/forge/remote/forge-targets.js";
import { createMirrorPushSource } from "../../../action/forge/remote/mirror-push-source.js";
import { createRemoteForge } from "../../../action/forge/remote/remote-forge.js";
import { createGitRunner } from "../../../action/githost/git-runner.js";
import { Repositories } from "../../../action/githost/repositories.js";
import { KeyedLock } from "../../../action/push/keyed-lock.js";
import { networkEnv } from "../../../core/config/network-env.js";
import { gitEnv } from "../../helpers/action-git.js";
import { forgeContract, type ForgeSetup } from "../../helpers/forge-contract.js";
import { startFakeGitea } from "../../helpers/forge/fake-gitea.js";
import { startFakeGitHub } from "../../helpers/forge/fake-github.js";
import type { FakeForge } from "../../helpers/forge/forge-types.js";

// One contract, every adapter: the built-in git host, Gitea (and Forgejo,
// the same adapter with its own headers), and GitHub.

const builtin: ForgeSetup = async (t, _store, work) => {
  const db = openActionDb(join(work, "action"));
  t.after(() => db.close());
  const git = createGitRunner({ home: work, networkEnv: networkEnv(process.env), ...(process.env.PATH ? { searchPath: process.env.PATH } : {}) });
  const repos = new Repositories(join(work, "repos"), git);
  await repos.create({ owner: "alice", name: "hw" });
  const gitDir = repos.gitDir({ owner: "alice", name: "hw" });
  return {
    forge: createBuiltinForge({ db, git, repos, locks: new KeyedLock(), now: () => new Date().toISOString() }),
    pushSource: builtinPushSource(repos),
    repos,
    git,
    pushUrl: gitDir,
    pushEnv: gitEnv(work),
    async statuses(commit) {
      // What a student sees with `git fetch origin refs/notes/ailab` and `git notes show`.
      const note = await git.run(["--git-dir", gitDir, "notes", `--ref=${NOTES_REF}`, "show", commit]);
      return new Map(note.stdout.trim().split("\n").map((line) => /^(\S+): (\S+) —/.exec(line)!.slice(1, 3) as [string, string]));
    },
    async release(tag) {
      const commit = await git.run(["--git-dir", gitDir, "rev-parse", "--verify", "--quiet", `refs/tags/${tag}^{commit}`], { allowFailure: true });
      if (commit.exitCode !== 0) return undefined;
      const message = await git.run(["--git-dir", gitDir, "tag", "-l", "--format=%(contents)", tag]);
      const assets = [...message.stdout.matchAll(/^ {2}(\S+) \(\d+ bytes/gm)].map((m) => m[1]!);
      return { commit: commit.stdout.trim(), assets };
    },
  };
};

function remote(start: () => Promise<FakeForge>, kind: "gitea" | "forgejo" | "github"): ForgeSetup {
  return async (t, store, work) => {
    const fake = await start();
    t.after(async () => {
      await fake.stop();
      if (fake.violations.length) throw new Error(`the adapter broke the forge's API description:\n${fake.violations.join("\n")}`);
    });
    const bot = fake.addUser("ailab-bot", { admin: true });
    const alice = fake.addUser("alice");
    const { cloneUrl } = fake.addRepo("alice", "hw");
    const config = { kind, url: fake.url, apiUrl: fake.apiUrl, uploadsUrl: fake.uploadUrl, token: bot.token, webhookSecret: "w".repeat(32), maxAssetBytes: 1 << 20 };
    const client = createForgeClient(config);
    const db = openActionDb(join(work, "action"));
    t.after(() => db.close());
    addForgeTarget(db, "alice/hw", "repo", null, new Date().toISOString());
    const git = createGitRunner({ home: work, networkEnv: networkEnv(process.env), ...(process.env.PATH ? { searchPath: process.env.PATH } : {}) });
    const repos = new Repositories(join(work, "mirrors"), git);
    const pushEnv = {
      ...gitEnv(work),
      GIT_CONFIG_COUNT: "1",
      GIT_CONFIG_KEY_0: "http.extraHeader",
      GIT_CONFIG_VALUE_0: `Authorization: Basic ${Buffer.from(`alice:${alice.token}`).toString("base64")}`,
    };
    return {
      forge: createRemoteForge({ client, store, stagingDir: join(work, "staging"), maxAssetBytes: config.maxAssetBytes, artifactUrl: (id, n) => `http://ailab.test/api/tasks/${id}/artifacts/${n}`, runnerOf: () => "local" }),
      pushSource: createMirrorPushSource({ db, git, mirrors: repos, client, token: bot.token }),
      repos,
      git,
      pushUrl: cloneUrl,
      pushEnv,
      statuses(commit) {
        const latest = new Map<string, string>();
        for (const row of fake.statuses("alice", "hw", commit)) latest.set(row.context, row.state);
        return Promise.resolve(new Map([...latest].sort()));
      },
      async release(tag) {
        const found = fake.releases("alice", "hw").filter((r) => r.tagName === tag);
        if (found.length > 1) throw new Error(`${found.length} releases for ${tag}`);
        const r = found[0];
        if (!r) return undefined;
        const commit = await git.run(["--git-dir", fake.repoDir("alice", "hw"), "rev-parse", `refs/tags/${tag}^{commit}`]);
        return { commit: commit.stdout.trim(), assets: r.assets.map((a) => a.name) };
      },
    };
  };
}

forgeContract("built-in git host", builtin);
forgeContract("Gitea", remote(() => startFakeGitea(), "gitea"));
forgeContract("Forgejo", remote(() => startFakeGitea({ dialect: "forgejo" }), "forgejo"));
forgeContract("GitHub", remote(() => startFakeGitHub(), "github"));
