#!/usr/bin/env bash
# Installs the system packages the test suite needs beyond Maven's dependencies, when they are missing:
#   faketime  Debian's libfaketime, for the clock-ahead run (mvn verify -Pclock-ahead)
#   python3   the seed queries' oracle (SeedQueryOracleParityTest)
# Needs root (or sudo) only when something is missing.
set -euo pipefail
missing=()
[[ -e /usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1 ]] || missing+=(faketime)
command -v python3 >/dev/null || missing+=(python3)
if (( ${#missing[@]} == 0 )); then
  exit 0
fi
sudo=()
if (( EUID != 0 )); then
  command -v sudo >/dev/null || { echo "install-test-deps: need root to apt-get install ${missing[*]}" >&2; exit 1; }
  sudo=(sudo)
fi
echo "install-test-deps: apt-get install ${missing[*]}" >&2
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
