import assert from "node:assert/strict";
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { runUp } from "../../cli/commands/up.js";
import { cliTestContext } from "../helpers/cli-test-context.js";

test("ailab up serves the API, keeps one 0600 secret across starts, and stops on the stop signal", { timeout: 120_000 }, async (t) => {
  const first = await cliTestContext(t);
  const dir = join(first.home, "state");
  let secret: string | undefined;
  for (const round of [1, 2]) {
    const cli = round === 1 ? first : await cliTestContext(t);
    const running = runUp(cli.ctx, { dir, host: "127.0.0.1", port: 0 });
    let url: string | undefined;
    for (let i = 0; i < 200 && !url; i++) {
      url = /ailab is up at (http:\/\/\S+)/.exec(cli.stderr())?.[1];
      if (!url) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.ok(url, `no URL printed:\n${cli.stderr()}`);
    assert.match(cli.stderr(), new RegExp(`ailab-action user add NAME --data-dir ${join(dir, "action")}`));

    const anonymous = await fetch(`${url}/api/whoami`);
    assert.equal(anonymous.status, 401);
    assert.equal((await stat(join(dir, "secret"))).mode & 0o777, 0o600);
    const now = await readFile(join(dir, "secret"), "utf8");
    assert.match(now, /^[0-9a-f]{64}\n$/);
    if (secret !== undefined) assert.equal(now, secret, "the second start keeps the secret");
    secret = now;
    for (const part of ["relay", "action", "runner"]) assert.ok((await stat(join(dir, part))).isDirectory());

    cli.stop();
    await running;
    assert.match(cli.stderr(), /stopped\n$/);
    await assert.rejects(fetch(`${url}/api/whoami`));
  }
});
