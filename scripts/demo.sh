#!/usr/bin/env bash
# README command 1: the whole loop on this machine. Sets up the checkout
# (scripts/setup.sh --demo), starts `ailab up` on 127.0.0.1, adds the user
# "student", logs in, submits examples/sample-project from a fresh git
# repository with `ailab submit --wait`, pulls the results into
# ./results/<task id>/ (of the folder you ran this from), and shows the
# commit's status as a git note. The server is stopped on exit.
#
# Nothing global changes: the login is kept in the demo's own config folder,
# and the demo's state is removed at the end (AILAB_DEMO_KEEP=1 keeps it).
#
# Usage: scripts/demo.sh
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
start_dir="$PWD"
say() { printf '\n==> %s\n' "$*" >&2; }

say "setting up (scripts/setup.sh --demo)"
bash "$repo_root/scripts/setup.sh" --demo
export PATH="$HOME/.local/bin:$PATH"

ailab() { node "$repo_root/dist/cli/main.js" "$@"; }
ailab_action() { node "$repo_root/dist/action/main.js" "$@"; }

work="$(mktemp -d "${TMPDIR:-/tmp}/ailab-demo.XXXXXX")"
export XDG_CONFIG_HOME="$work/config"
export GIT_AUTHOR_NAME="ailab demo" GIT_AUTHOR_EMAIL="student@example.org"
export GIT_COMMITTER_NAME="ailab demo" GIT_COMMITTER_EMAIL="student@example.org"
export AILAB_POLL_MS=500

up_pid=""
cleanup() {
  local status=$?
  if [ -n "$up_pid" ] && kill -0 "$up_pid" 2>/dev/null; then
    printf '\n==> stopping ailab up\n' >&2
    kill -TERM "$up_pid" 2>/dev/null || true
    # It stops its job and closes the relay; if it has not in 15 s, it is killed.
    for _ in $(seq 150); do kill -0 "$up_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$up_pid" 2>/dev/null || true
    wait "$up_pid" 2>/dev/null || true
  fi
  if [ "$status" -ne 0 ] && [ -s "$work/up.log" ]; then
    printf '\n==> the server said (last lines of %s):\n' "$work/up.log" >&2
    tail -n 20 "$work/up.log" >&2
  fi
  if [ "${AILAB_DEMO_KEEP:-0}" = 1 ]; then
    printf '==> demo state kept in %s\n' "$work" >&2
  else
    rm -rf "$work"
  fi
  exit "$status"
}
trap cleanup EXIT

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
url="http://127.0.0.1:$port"
say "starting ailab up on $url (server and runner, local executor)"
# node itself in the background, not the ailab function: $! is then the
# server's own PID (a backgrounded function is a subshell, and killing that
# would leave the server running).
node "$repo_root/dist/cli/main.js" up --dir "$work/state" --host 127.0.0.1 --port "$port" 2>"$work/up.log" &
up_pid=$!
for _ in $(seq 120); do
  grep -q "ailab is up at" "$work/up.log" 2>/dev/null && break
  kill -0 "$up_pid" 2>/dev/null || { echo "ailab up exited early" >&2; exit 1; }
  sleep 0.5
done
grep -q "ailab is up at" "$work/up.log" || { echo "ailab up did not start in 60 s" >&2; exit 1; }

say "adding the user student and logging in"
token="$(ailab_action user add student --data-dir "$work/state/action")"
printf '%s\n' "$token" | ailab login "$url"

say "making a git repository from examples/sample-project"
project="$work/sample-project"
cp -R "$repo_root/examples/sample-project" "$project"
rm -rf "$project/.venv" "$project/output" "$project/logs"
cd "$project"
git init -q -b main
git add -A
git commit -q -m "sample project"
ailab validate

say "ailab submit --wait (the first run builds the uv environment)"
if ! task_id="$(ailab submit --wait)"; then
  if [ -n "$task_id" ]; then
    printf '\n==> the job did not succeed; its log:\n' >&2
    ailab logs "$task_id" >&2 || true
  fi
  exit 1
fi

say "ailab status $task_id"
ailab status "$task_id"

say "the commit's status as a git note"
basic="$(printf 'student:%s' "$token" | base64 | tr -d '\n')"
GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=http.extraHeader GIT_CONFIG_VALUE_0="Authorization: Basic $basic" GIT_TERMINAL_PROMPT=0 \
  git fetch -q "$url/git/student/sample-project.git" refs/notes/ailab:refs/notes/ailab
git --no-pager log -1 --notes=ailab

say "ailab pull $task_id"
cd "$start_dir"
results="$(ailab pull "$task_id")"

say "done: the sample job's results are in $results"
( cd "$results" && find . -type f | sort | sed 's|^\./|  |' )
printf '\nmetrics (output/metrics.json):\n' >&2
cat "$results/output/metrics.json"
