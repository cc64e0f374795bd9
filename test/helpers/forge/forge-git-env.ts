// The environment for a test's own git client talking to a fake forge:
// PATH, HOME and the proxy and CA variables of the machine, no user or
// system config, fixed identities and dates, never a prompt, and 127.0.0.1
// kept off any proxy.

const PASSED = /^(PATH|HOME|LANG|TMPDIR|https?_proxy|HTTPS?_PROXY|all_proxy|ALL_PROXY|no_proxy|NO_PROXY|SSL_CERT_FILE|SSL_CERT_DIR|GIT_SSL_CAINFO|CURL_CA_BUNDLE|NODE_EXTRA_CA_CERTS)$/;

export function forgeGitEnv(home: string, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined && PASSED.test(key)) out[key] = value;
  const noProxy = [out.no_proxy ?? out.NO_PROXY, "127.0.0.1", "localhost"].filter(Boolean).join(",");
  return {
    ...out,
    PATH: out.PATH ?? "/usr/bin:/bin",
    HOME: home,
    no_proxy: noProxy,
    NO_PROXY: noProxy,
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_TERMINAL_PROMPT: "0",
    GIT_AUTHOR_NAME: "Alice Student",
    GIT_AUTHOR_EMAIL: "alice@example.org",
    GIT_AUTHOR_DATE: "2024-01-02T03:04:05Z",
    GIT_COMMITTER_NAME: "Alice Student",
    GIT_COMMITTER_EMAIL: "alice@example.org",
    GIT_COMMITTER_DATE: "2024-01-02T03:04:05Z",
    LC_ALL: "C",
  };
}

/** `http://login:secret@host/path` for git, from a clone URL. */
export function withCredentials(cloneUrl: string, login: string, secret: string): string {
  const url = new URL(cloneUrl);
  url.username = encodeURIComponent(login);
  url.password = encodeURIComponent(secret);
  return url.toString();
}
