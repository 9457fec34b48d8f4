#!/usr/bin/env bash
# Installs what dsim needs, from Debian packages only. As root it runs apt-get; otherwise it
# prints the exact line to run and fails, so nothing half-works.
#   scripts/deps.sh          what building and running dsim needs
#   scripts/deps.sh test     also what the test suite needs (Chromium for the visualizer's
#                            browser tests, GNU parallel for the sharded-fuzzing test)
set -euo pipefail

packages=(g++ cmake make libfmt-dev libcli11-dev nlohmann-json3-dev libgtest-dev librapidcheck-dev
          libbenchmark-dev)
# Tools the tests call by command name. They count as present when the command is on PATH,
# whatever provides it: a machine whose Node.js comes from another Debian repository ships npm
# inside its nodejs package, and Debian's own npm package then conflicts with it.
declare -A tool_packages=()
if [[ "${1:-}" == "test" ]]; then
  tool_packages=([chromium]=chromium [node]=nodejs [npm]=npm [parallel]=parallel)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
for tool in chromium node npm parallel; do
  if [[ -n "${tool_packages[$tool]:-}" ]] && ! command -v "$tool" >/dev/null 2>&1; then
    missing+=("${tool_packages[$tool]}")
  fi
done
if (( ${#missing[@]} == 0 )); then
  exit 0
fi

line="apt-get install -y --no-install-recommends ${missing[*]}"
if [[ $(id -u) -ne 0 ]]; then
  echo "dsim needs these Debian packages; run:" >&2
  echo "  sudo apt-get update && sudo $line" >&2
  exit 1
fi
echo "dsim: installing ${missing[*]}" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive $line
