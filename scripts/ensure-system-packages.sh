#!/usr/bin/env bash
# The tests drive real programs from Debian's packages (Chromium, and the servers listed in system-packages.txt),
# never downloaded binaries. Install the missing ones in one apt-get run; root can, as on CI machines; otherwise
# say what to run.
set -euo pipefail
cd "$(dirname "$0")"
missing=()
while read -r proof packages; do
  case "$proof" in '' | '#'*) continue ;; esac
  # shellcheck disable=SC2206 # the package list is words by design
  [ -e "$proof" ] || missing+=($packages)
done <system-packages.txt
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != "0" ]; then
  echo "missing Debian packages for the tests: run 'sudo apt-get install -y ${missing[*]}'" >&2
  exit 1
fi
echo "installing Debian packages for the tests: ${missing[*]}…"
apt-get update -qq
# services some packages would start on install (dovecot, kannel) are not wanted: the tests start their own
printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
trap 'rm -f /usr/sbin/policy-rc.d' EXIT
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
while read -r proof _; do
  case "$proof" in '' | '#'*) continue ;; esac
  [ -e "$proof" ] || { echo "$proof is still missing after apt-get install" >&2; exit 1; }
done <system-packages.txt
