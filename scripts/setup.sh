#!/usr/bin/env bash
# Prepares a Debian 12 machine to build, run and test Chronicle, then builds it
# into ./build. Idempotent: when every package is already there it touches
# neither the network nor apt, and only the incremental build runs.
#
#   scripts/setup.sh              the server, tests and benchmarks (./build)
#   scripts/setup.sh --with-fuzz  also clang and the fuzz targets (./build-fuzz)
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

fail() {
  echo "setup.sh: error: $*" >&2
  exit 1
}
trap 'echo "setup.sh: failed at line $LINENO (exit $?)" >&2' ERR

with_fuzz=""
for arg in "$@"; do
  case "$arg" in
    --with-fuzz) with_fuzz=1 ;;
    *) fail "unknown option $arg (usage: scripts/setup.sh [--with-fuzz])" ;;
  esac
done

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
# The fuzz targets: clang with libFuzzer and the sanitizer runtimes.
if [[ -n "$with_fuzz" ]]; then
  packages+=(clang libclang-rt-14-dev)
fi

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

if [[ -n "$with_fuzz" ]]; then
  CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCHRONICLE_FUZZ=ON \
    || fail "CMake configuration of the fuzz build failed (see the messages above)"
  cmake --build build-fuzz --parallel "$jobs" --target fuzzers \
    || fail "the fuzz build failed (see the compiler messages above)"
  echo "setup.sh: fuzz targets ready in $repo_root/build-fuzz/tests/fuzz"
fi
