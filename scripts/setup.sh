#!/usr/bin/env bash
# Sets up this checkout on a Debian machine: system packages that are missing
# (git, certificates, Python 3 with pip, the compiler better-sqlite3 builds
# with, bubblewrap for the runner's job sandbox), uv, the npm dependencies
# and the build (dist/). For the tests it also installs moto's S3 server and
# starts the one-node Slurm test cluster (scripts/slurm-test-cluster.sh, root
# only); `--demo` skips those two.
#
# Idempotent: run it again and it only does what is still missing (npm ci and
# the build always run). Needs no stdin (CI=true works); as root it installs
# with apt-get, otherwise through sudo when there is one.
#
# Usage: scripts/setup.sh [--demo]
set -euo pipefail

for_tests=1
for arg in "$@"; do
  case "$arg" in
    --demo) for_tests=0 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "setup: unknown option $arg (expected --demo)" >&2; exit 2 ;;
  esac
done

cd "$(dirname "${BASH_SOURCE[0]}")/.."
say() { printf 'setup: %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else say "need root to run: $*"; exit 1
  fi
}

# 1. System packages, only those missing.
missing=()
command -v git >/dev/null || missing+=(git)
[ -s /etc/ssl/certs/ca-certificates.crt ] || missing+=(ca-certificates)
command -v python3 >/dev/null || missing+=(python3)
command -v make >/dev/null || missing+=(make)
command -v g++ >/dev/null || missing+=(g++)
# The runner's sandbox for jobs (AILAB_SANDBOX=bwrap, its default when bwrap is installed).
command -v bwrap >/dev/null || missing+=(bubblewrap)
needs_pip=0
command -v uv >/dev/null || needs_pip=1
if [ "$for_tests" -eq 1 ] && ! command -v moto_server >/dev/null; then needs_pip=1; fi
if [ "$needs_pip" -eq 1 ] && ! python3 -m pip --version >/dev/null 2>&1; then missing+=(python3-pip); fi
if [ "${#missing[@]}" -gt 0 ]; then
  command -v apt-get >/dev/null || { say "missing ${missing[*]} and no apt-get to install them"; exit 1; }
  say "installing ${missing[*]}"
  as_root bash scripts/apt-install.sh "${missing[@]}"
fi
command -v node >/dev/null || { say "Node.js 20 or newer is needed (https://nodejs.org or apt-get install nodejs npm)"; exit 1; }
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' || { say "Node.js $(node --version) is too old: 20 or newer is needed"; exit 1; }

# pip refuses to touch Debian's own Python (PEP 668) unless told to; a user
# install keeps the system's packages untouched.
pip_install() {
  local args=(-m pip install --quiet --disable-pip-version-check)
  [ "$(id -u)" -eq 0 ] || args+=(--user)
  python3 "${args[@]}" "$@" 2>/dev/null || python3 "${args[@]}" --break-system-packages "$@"
}
export PATH="$HOME/.local/bin:$PATH"

# 2. uv builds the jobs' environments (the runner calls it).
if ! command -v uv >/dev/null; then
  say "installing uv (pip install uv)"
  pip_install uv
  hash -r
  command -v uv >/dev/null || { say "uv was installed but is not on PATH; add $HOME/.local/bin to PATH"; exit 1; }
fi
say "$(uv --version)"

# 3. The test-only services: an S3 endpoint (moto) and a Slurm cluster.
if [ "$for_tests" -eq 1 ]; then
  if ! command -v moto_server >/dev/null; then
    say "installing moto's S3 server (pip install 'moto[server]')"
    pip_install 'moto[server]'
    hash -r
  fi
  if [ "$(id -u)" -eq 0 ]; then
    say "starting the one-node Slurm test cluster"
    bash scripts/slurm-test-cluster.sh start
  else
    say "not root: skipping the Slurm test cluster (its tests are skipped outside CI); run scripts/slurm-test-cluster.sh as root"
  fi
fi

# 4. npm dependencies (better-sqlite3 builds from source; .npmrc points node-gyp at /usr) and the build.
say "npm ci"
npm ci --no-audit --no-fund --loglevel=error >&2
if ! node -e "new (require('better-sqlite3'))(':memory:').close()" 2>/dev/null; then
  say "better-sqlite3 did not load: rebuilding it from source"
  npm rebuild better-sqlite3
  node -e "new (require('better-sqlite3'))(':memory:').close()"
fi
say "npm run build"
npm run build --silent >&2
say "done: node dist/cli/main.js --help"
