#!/usr/bin/env bash
# Builds Chronicle if needed and runs the server in the foreground. Arguments
# go to `chronicle serve` (defaults: --data-dir ./data, --listen 127.0.0.1:8080).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

scripts/setup.sh
exec ./build/api/cli/chronicle serve "$@"
