#!/usr/bin/env bash
# Installs Debian packages without prompts: `apt-get update`, then install.
# A fresh VM often runs unattended-upgrades at boot and holds the dpkg lock
# for minutes; apt waits for it (up to 10 minutes) instead of failing at once.
# Must run as root. Usage: scripts/apt-install.sh PACKAGE...
set -euo pipefail
[ "$#" -gt 0 ] || { echo "usage: $0 PACKAGE..." >&2; exit 2; }
export DEBIAN_FRONTEND=noninteractive
apt=(apt-get -qq -o DPkg::Lock::Timeout=600 -o Acquire::Retries=3)
# `apt-get update` takes the lists lock, which DPkg::Lock::Timeout does not
# cover on every apt version: wait for it here.
err="$(mktemp)"
trap 'rm -f "$err"' EXIT
updated=0
for _ in $(seq 600); do
  if "${apt[@]}" update 2>"$err"; then updated=1; break; fi
  grep -q "Could not get lock" "$err" || { cat "$err" >&2; exit 1; }
  sleep 1
done
[ "$updated" -eq 1 ] || { echo "apt-install: apt's lock was held for 10 minutes:" >&2; cat "$err" >&2; exit 1; }
"${apt[@]}" install -y --no-install-recommends "$@" >/dev/null
