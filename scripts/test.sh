#!/usr/bin/env bash
# Builds Chronicle (and its fuzz targets, with clang) and runs the whole test
# suite (every label: unit, contract, integration, e2e, fuzz). Exits with
# ctest's status; ctest's own closing summary ("N% tests passed, N tests
# failed out of M") is the last thing it prints.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

scripts/setup.sh --with-fuzz
exec ctest --test-dir build --output-on-failure --timeout 900 -j2
