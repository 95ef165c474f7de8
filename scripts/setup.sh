#!/usr/bin/env bash
# Prepares a Debian 12 machine to build, run and test Chronicle, then builds it
# into ./build. Idempotent: when every package is already there it touches
# neither the network nor apt, and only the incremental build runs.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

fail() {
  echo "setup.sh: error: $*" >&2
  exit 1
}
trap 'echo "setup.sh: failed at line $LINENO (exit $?)" >&2' ERR

# What the project needs to build (compiler, CMake, Ninja, pkg-config, ccache,
# the libraries of DESIGN.md) and to run its tests and benchmarks (wrk, procps
# for pgrep/ps in process tests).
packages=(
  build-essential
  cmake
  ninja-build
  pkg-config
  ccache
  libboost1.81-dev
  libboost-test1.81-dev
  librocksdb-dev
  librdkafka-dev
  libsimdjson-dev
  libsodium-dev
  wrk
  procps
)

missing=()
for p in "${packages[@]}"; do
  status="$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)"
  if [[ "$status" != "install ok installed" ]]; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} > 0)); then
  echo "setup.sh: installing missing packages: ${missing[*]}"
  if [[ "$(id -u)" -ne 0 ]]; then
    fail "packages missing (${missing[*]}) and not running as root; run: sudo $0"
  fi
  command -v apt-get >/dev/null || fail "apt-get not found; this script supports Debian 12 only"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q || fail "apt-get update failed (is the Debian package mirror reachable?)"
  apt-get install -y -q --no-install-recommends "${missing[@]}" \
    || fail "apt-get install failed for: ${missing[*]}"
fi

jobs="$(nproc)"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  || fail "CMake configuration failed (see the messages above)"
cmake --build build --parallel "$jobs" \
  || fail "the build failed (see the compiler messages above)"
echo "setup.sh: build ready in $repo_root/build"
