/**
 * The variables that say how a program reaches the network: where the CA
 * certificates are (a campus or company network that re-signs TLS with its
 * own CA sets these) and which proxy to use. Both spellings of the proxy
 * variables, since curl and Python read the lower-case ones and uv and most
 * Go and Rust tools the upper-case ones.
 */
export const NETWORK_ENV_VARS: readonly string[] = [
  "SSL_CERT_FILE",
  "SSL_CERT_DIR",
  "REQUESTS_CA_BUNDLE",
  "CURL_CA_BUNDLE",
  "GIT_SSL_CAINFO",
  "GIT_SSL_CAPATH",
  "NODE_EXTRA_CA_CERTS",
  "PIP_CERT",
  ...["HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "NO_PROXY"].flatMap((name) => [name, name.toLowerCase()]),
];

/**
 * The network variables of `env` that are set, plus every UV_* variable (the
 * uv cache, index and Python settings the machine's owner chose). Programs
 * that ailab starts with an environment of its own choosing (git for the
 * built-in host, the test helpers' programs) start from this, so that TLS
 * and proxies work there as they do in the user's shell.
 */
export function networkEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || value === "") continue;
    if (NETWORK_ENV_VARS.includes(name) || name.startsWith("UV_")) out[name] = value;
  }
  return out;
}
