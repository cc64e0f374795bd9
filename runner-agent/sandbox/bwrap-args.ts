/**
 * What one job's commands may reach inside its sandbox, in paths of the
 * machine that runs them (the sandbox mounts each at the same path, so a
 * venv's absolute paths still hold).
 */
export interface SandboxMounts {
  /** Read and write: the job's project copy and its own venv. */
  writable: readonly string[];
  /** Read only, beyond the system folders: the shared environment, the Python it links to, uv. */
  readOnly: readonly string[];
}

/**
 * The system folders a job reads: programs and libraries. Each is bound only
 * where it exists (`--ro-bind-try`), and a /bin or /lib that is a link to
 * /usr on the host is bound as the folder it leads to, so the same list
 * serves a merged-/usr Debian and an older node.
 */
const SYSTEM_DIRS = ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/sys"];

/**
 * What a job needs of /etc, and nothing else of it: names and groups (no
 * /etc/shadow or /etc/gshadow, which a job running as root could read),
 * name resolution, CA certificates, the dynamic loader's cache, the time
 * zone, and Debian's alternatives (/usr/bin/python3 and friends may be
 * links through /etc/alternatives). Host keys, sudoers and the agents' own
 * configuration stay out.
 */
const ETC_FILES = [
  "/etc/alternatives",
  "/etc/ca-certificates",
  "/etc/ca-certificates.conf",
  "/etc/gai.conf",
  "/etc/group",
  "/etc/host.conf",
  "/etc/hosts",
  "/etc/ld.so.cache",
  "/etc/ld.so.conf",
  "/etc/ld.so.conf.d",
  "/etc/localtime",
  "/etc/mime.types",
  "/etc/nsswitch.conf",
  "/etc/os-release",
  "/etc/passwd",
  "/etc/pki",
  "/etc/protocols",
  "/etc/resolv.conf",
  "/etc/services",
  "/etc/ssl",
  "/etc/timezone",
];

/** True when the sandbox shows `path` anyway, read-only, as part of a system folder (a Python in /usr/bin). */
export function isSystemPath(path: string): boolean {
  return SYSTEM_DIRS.some((dir) => path === dir || path.startsWith(`${dir}/`));
}

/** The user and group a job is inside its user namespace: nobody, whoever runs the runner. */
export const SANDBOX_UID = 65534;

/**
 * bubblewrap's arguments for one job (without `bwrap` itself and without
 * the command): a new user, pid and IPC namespace, the system read-only,
 * an empty /tmp, a minimal /dev and a /proc of its own pid namespace, the
 * `readOnly` paths read-only and the `writable` ones read-write, and
 * nothing else of the machine: not the runner's data folder (its database,
 * relay secret, object cache, other jobs), not /root or /home, not /run
 * (where Slurm's munge socket is). The network is the host's, as it was
 * before the sandbox (jobs download datasets and packages; DESIGN.md sets
 * no network policy).
 *
 * Why these flags:
 * - `--unshare-pid` with `--die-with-parent`: the job's first process is
 *   pid 2 under bwrap's own init; when the command ends, or bwrap is killed
 *   (cancel, scancel), the namespace ends and the kernel kills every process
 *   in it, a `setsid` or double-forked daemon included.
 * - `--unshare-user` as uid/gid 65534 and `--cap-drop ALL`: no capability
 *   inside, even when the runner runs as root (CI does). Files still
 *   belong to the runner's user outside, so the runner reads what the job
 *   wrote; what the job may read or change is decided by the mounts.
 * - `--unshare-ipc`: no shared memory or semaphores with other jobs.
 * - No `--new-session`: the job has no terminal to inject into (the local
 *   executor starts it detached, Slurm without a tty), and staying in the
 *   job's process group lets the local executor's cancel signal it.
 * - HOME and TMPDIR are the private /tmp; UV_CACHE_DIR too, since the
 *   runner's uv cache is what shared environments are linked from and a job
 *   must not write it.
 *
 * Mounts are ordered by path so that a folder is bound before anything
 * inside it, and after /tmp (the runner's data folder may live under /tmp).
 * The batch script adds the GPU devices and `--chdir` (both known only on
 * the node) and the command.
 * Example: `bwrapArgs({ writable: ["/srv/ailab/jobs/t1/project", "/srv/ailab/jobs/t1/venv"], readOnly: ["/srv/ailab/envs/k/venv"] })`.
 */
export function bwrapArgs(mounts: SandboxMounts): string[] {
  const args = [
    "--unshare-user",
    "--uid", String(SANDBOX_UID),
    "--gid", String(SANDBOX_UID),
    "--unshare-pid",
    "--unshare-ipc",
    "--unshare-cgroup-try",
    "--die-with-parent",
    "--cap-drop", "ALL",
  ];
  for (const dir of SYSTEM_DIRS) args.push("--ro-bind-try", dir, dir);
  for (const file of ETC_FILES) args.push("--ro-bind-try", file, file);
  args.push("--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp");
  const binds = [
    ...unique(mounts.readOnly).map((path) => ({ path, flag: "--ro-bind" })),
    ...unique(mounts.writable).map((path) => ({ path, flag: "--bind" })),
  ].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const { path, flag } of binds) {
    if (!path.startsWith("/")) throw new Error(`sandbox path ${JSON.stringify(path)} is not absolute`);
    args.push(flag, path, path);
  }
  args.push("--setenv", "HOME", "/tmp", "--setenv", "TMPDIR", "/tmp", "--setenv", "UV_CACHE_DIR", "/tmp/.cache/uv");
  return args;
}

function unique(paths: readonly string[]): string[] {
  return [...new Set(paths)];
}
