#!/usr/bin/env bash
# Runs every fuzz target for a bounded time on its seed corpus, after
# replaying the stored regression inputs (inputs that once crashed a target).
# New inputs found during the run go to a temporary corpus, never into the
# repository; a crash leaves its input under --artifacts and fails the run.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bin_dir=""
seconds=60
artifacts=""
targets=(fuzz_bodies fuzz_events fuzz_http)

usage() {
  cat <<'EOF_USAGE'
usage: tests/fuzz/run_fuzz.sh --bin-dir DIR [--seconds S] [--artifacts DIR] [TARGET...]
  --bin-dir DIR     where the fuzz targets were built (build-fuzz/tests/fuzz)
  --seconds S       how long each target runs (default 60)
  --artifacts DIR   where crashing inputs are kept (default DIR/artifacts)
  TARGET            fuzz_bodies, fuzz_events, fuzz_http (default: all)
EOF_USAGE
  exit "${1:-2}"
}

while (($# > 0)); do
  case "$1" in
    --bin-dir) bin_dir="${2:-}"; shift 2 || usage ;;
    --seconds) seconds="${2:-}"; shift 2 || usage ;;
    --artifacts) artifacts="${2:-}"; shift 2 || usage ;;
    -h|--help) usage 0 ;;
    -*) usage ;;
    *) break ;;
  esac
done
(($# == 0)) || targets=("$@")
[[ -n "$bin_dir" ]] || usage
[[ "$seconds" =~ ^[1-9][0-9]*$ ]] || usage
artifacts="${artifacts:-$bin_dir/artifacts}"
mkdir -p "$artifacts"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

failed=0
for t in "${targets[@]}"; do
  exe="$bin_dir/$t"
  name="${t#fuzz_}"
  if [[ ! -x "$exe" ]]; then
    echo "run_fuzz.sh: $exe is missing: build the fuzz targets first (scripts/setup.sh --with-fuzz)" >&2
    failed=1
    continue
  fi
  regressions=("$here/regressions/$name"/*)
  if [[ -e "${regressions[0]}" ]]; then
    echo "== $t: replaying ${#regressions[@]} regression input(s)"
    if ! "$exe" -runs=1 "${regressions[@]}" >"$work/$t.replay.log" 2>&1; then
      tail -n 40 "$work/$t.replay.log" >&2
      echo "run_fuzz.sh: $t fails on a stored regression input" >&2
      failed=1
      continue
    fi
  fi
  echo "== $t: fuzzing for ${seconds}s from $(ls "$here/corpus/$name" | wc -l) seed(s)"
  mkdir -p "$work/$name"
  # The first corpus directory receives new inputs; the seeds stay read-only.
  if "$exe" -max_total_time="$seconds" -timeout=25 -rss_limit_mb=4096 -max_len=65536 \
       -print_final_stats=1 -artifact_prefix="$artifacts/$t-" \
       "$work/$name" "$here/corpus/$name" >"$work/$t.log" 2>&1; then
    grep -E '^stat::number_of_executed_units|^stat::new_units_added|^stat::peak_rss_mb' "$work/$t.log" | tr '\n' ' '
    echo
  else
    tail -n 60 "$work/$t.log" >&2
    echo "run_fuzz.sh: $t found a failure; the input is in $artifacts (add it to tests/fuzz/regressions/$name once fixed)" >&2
    failed=1
  fi
done
if ((failed)); then
  echo "fuzzing: 0 passed, ${#targets[@]} failed" >&2
  exit 1
fi
echo "fuzzing: ${#targets[@]} passed, 0 failed"
