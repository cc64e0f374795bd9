import { test } from "node:test";
import assert from "node:assert/strict";
import { bwrapArgs, SANDBOX_UID } from "../../../runner-agent/sandbox/bwrap-args.js";

/** The mounts in `args` as [flag, source, destination], in order. */
function mounts(args: string[]): [string, string, string][] {
  const found: [string, string, string][] = [];
  for (let i = 0; i < args.length; i++) {
    const flag = args[i]!;
    if (["--bind", "--ro-bind", "--ro-bind-try", "--dev-bind"].includes(flag)) found.push([flag, args[i + 1]!, args[i + 2]!]);
  }
  return found;
}

const JOB = {
  writable: ["/tmp/r/runner/jobs/t1/venv", "/tmp/r/runner/jobs/t1/project"],
  readOnly: ["/tmp/r/runner/envs/k/venv", "/opt/uv/python/cpython-3.12", "/opt/uv/bin/uv"],
};

test("a job gets its own user, pid and IPC namespaces, no capabilities, and dies with its parent", () => {
  const args = bwrapArgs(JOB);
  for (const flag of ["--unshare-user", "--unshare-pid", "--unshare-ipc", "--die-with-parent"]) assert.ok(args.includes(flag), flag);
  assert.deepEqual(args.slice(args.indexOf("--uid"), args.indexOf("--uid") + 2), ["--uid", String(SANDBOX_UID)]);
  assert.deepEqual(args.slice(args.indexOf("--cap-drop"), args.indexOf("--cap-drop") + 2), ["--cap-drop", "ALL"]);
  assert.ok(!args.includes("--unshare-net"), "the network stays the host's, as before the sandbox");
});

test("only the job's project and venv are writable; the shared environment, Python and uv are read-only", () => {
  const byPath = new Map(mounts(bwrapArgs(JOB)).map(([flag, source, dest]) => [dest, { flag, source }]));
  for (const path of JOB.writable) assert.deepEqual(byPath.get(path), { flag: "--bind", source: path });
  for (const path of JOB.readOnly) assert.deepEqual(byPath.get(path), { flag: "--ro-bind", source: path });
  const writable = mounts(bwrapArgs(JOB)).filter(([flag]) => flag === "--bind" || flag === "--dev-bind").map(([, , dest]) => dest);
  assert.deepEqual(writable.sort(), [...JOB.writable].sort());
});

test("the system is read-only and /etc holds no secrets: no shadow files, no host keys, no sudoers", () => {
  const all = mounts(bwrapArgs(JOB));
  assert.ok(all.some(([flag, , dest]) => flag === "--ro-bind-try" && dest === "/usr"));
  const etc = all.map(([, , dest]) => dest).filter((d) => d.startsWith("/etc"));
  assert.ok(etc.includes("/etc/passwd") && etc.includes("/etc/resolv.conf") && etc.includes("/etc/ssl"));
  for (const secret of ["/etc", "/etc/shadow", "/etc/gshadow", "/etc/ssh", "/etc/sudoers", "/etc/ailab"]) assert.ok(!etc.includes(secret), secret);
  for (const hidden of ["/", "/root", "/home", "/run", "/var"]) assert.ok(!all.some(([, , dest]) => dest === hidden), hidden);
});

test("a folder is mounted before what lies inside it, and everything after the private /tmp", () => {
  const args = bwrapArgs({ writable: ["/tmp/r/jobs/t1/project"], readOnly: ["/tmp/r/jobs/t0/project", "/tmp/r"] });
  const binds = mounts(args).filter(([flag]) => flag !== "--ro-bind-try").map(([, , dest]) => dest);
  assert.deepEqual(binds, ["/tmp/r", "/tmp/r/jobs/t0/project", "/tmp/r/jobs/t1/project"]);
  const tmpfs = args.indexOf("--tmpfs");
  assert.equal(args[tmpfs + 1], "/tmp");
  assert.ok(args.indexOf("--bind") > tmpfs && args.indexOf("--ro-bind") > tmpfs);
});

test("home, temp and uv's cache point into the private /tmp, and a relative path is refused", () => {
  const args = bwrapArgs(JOB);
  const env = new Map<string, string>();
  for (let i = args.indexOf("--setenv"); i >= 0; i = args.indexOf("--setenv", i + 1)) env.set(args[i + 1]!, args[i + 2]!);
  assert.deepEqual(Object.fromEntries(env), { HOME: "/tmp", TMPDIR: "/tmp", UV_CACHE_DIR: "/tmp/.cache/uv" });
  assert.throws(() => bwrapArgs({ writable: ["jobs/t1"], readOnly: [] }), /not absolute/);
});
