import assert from "node:assert/strict";
import { test } from "node:test";
import { buildActionProgram, type ActionCommands } from "../../../action/command-line/build-action-program.js";

function record(): { calls: unknown[][]; commands: ActionCommands; out: string[] } {
  const calls: unknown[][] = [];
  const note = (name: string) => (...args: unknown[]) => {
    calls.push([name, ...args]);
    return Promise.resolve();
  };
  return {
    calls,
    out: [],
    commands: { serve: note("serve"), forgeHook: note("forgeHook"), userAdd: note("userAdd"), userToken: note("userToken"),
      userList: note("userList"),
      userRevoke: note("userRevoke"),
      tokenRevoke: note("tokenRevoke"),
      grant: note("grant"),
    },
  };
}

async function parse(argv: string[]) {
  const r = record();
  const program = buildActionProgram(r.commands, { writeOut: (t) => r.out.push(t), writeErr: (t) => r.out.push(t) });
  await program.parseAsync(argv, { from: "user" });
  return r;
}

test("user add, user token and grant reach their commands with their options", async () => {
  assert.deepEqual((await parse(["user", "add", "alice", "--admin", "--data-dir", "/d"])).calls, [["userAdd", "alice", { admin: true, dataDir: "/d" }]]);
  assert.deepEqual((await parse(["user", "add", "bob"])).calls, [["userAdd", "bob", { admin: false }]]);
  assert.deepEqual((await parse(["user", "token", "bob"])).calls, [["userToken", "bob", {}]]);
  assert.deepEqual((await parse(["grant", "bob", "alice/proj", "--write"])).calls, [["grant", "bob", "alice/proj", { write: true, revoke: false }]]);
});

test("user list, user revoke, token revoke, grant --revoke and --expires reach their commands", async () => {
  assert.deepEqual((await parse(["user", "list", "--json"])).calls, [["userList", { json: true }]]);
  assert.deepEqual((await parse(["user", "revoke", "bob"])).calls, [["userRevoke", "bob", {}]]);
  assert.deepEqual((await parse(["token", "revoke", "ailab_1a2b3c"])).calls, [["tokenRevoke", "ailab_1a2b3c", {}]]);
  assert.deepEqual((await parse(["grant", "bob", "alice/proj", "--revoke"])).calls, [["grant", "bob", "alice/proj", { write: false, revoke: true }]]);
  assert.deepEqual((await parse(["user", "token", "bob", "--expires", "30d"])).calls, [["userToken", "bob", { expires: "30d" }]]);
  assert.deepEqual((await parse(["user", "add", "carol", "--expires", "12h"])).calls, [["userAdd", "carol", { admin: false, expires: "12h" }]]);
});

test("serve passes its flags", async () => {
  const { calls } = await parse(["serve", "--relay-dir", "/r", "--listen", ":0", "--runner-name", "gpu", "--secret-file", "/s"]);
  assert.equal(calls.length, 1);
  assert.equal(calls[0]![0], "serve");
  assert.deepEqual({ ...(calls[0]![1] as object) }, { relayDir: "/r", listen: ":0", runnerName: "gpu", secretFile: "/s" });
});

test("--help names every command; an unknown command is an error", async () => {
  await assert.rejects(parse(["--help"]), { code: "commander.helpDisplayed" });
  const r = record();
  const program = buildActionProgram(r.commands, { writeOut: (t) => r.out.push(t), writeErr: (t) => r.out.push(t) });
  await assert.rejects(program.parseAsync(["--help"], { from: "user" }));
  for (const word of ["serve", "user", "grant"]) assert.match(r.out.join(""), new RegExp(word));
  await assert.rejects(parse(["frobnicate"]), { code: "commander.unknownCommand" });
  await assert.rejects(parse(["user", "add"]), { code: "commander.missingArgument" });
});

test("forge hook takes the target and the forge settings; serve takes them too", async () => {
  const hook = await parse(["forge", "hook", "course", "--forge", "gitea", "--forge-url", "https://g.example/", "--forge-token-file", "/t", "--webhook-secret-file", "/s", "--public-url", "https://a.example"]);
  assert.deepEqual(hook.calls, [
    ["forgeHook", "course", { forge: "gitea", forgeUrl: "https://g.example/", forgeTokenFile: "/t", webhookSecretFile: "/s", publicUrl: "https://a.example" }],
  ]);
  const serve = await parse(["serve", "--config", "/etc/ailab/action.toml", "--forge", "forgejo"]);
  assert.equal(serve.calls[0]![0], "serve");
  assert.deepEqual(
    { config: (serve.calls[0]![1] as { config?: string }).config, forge: (serve.calls[0]![1] as { forge?: string }).forge },
    { config: "/etc/ailab/action.toml", forge: "forgejo" },
  );
});
