#!/usr/bin/env bash
# Every benchmark, one after the other, then one table of the figures that
# matter with their goals. Each benchmark's own output (per-run lines and its
# medians) is kept in the results directory and its medians table printed as
# it finishes. Run on purpose, on a machine doing nothing else: about 25
# minutes with the defaults. Everything stays on 127.0.0.1.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bench="$repo_root/tests/bench"
build="$repo_root/build"
customers=1000000
runs=3
out_dir=""

usage() {
  cat <<'EOF_USAGE'
usage: tests/bench/run_all.sh [--customers N] [--runs R] [--out DIR] [--build DIR]
  --customers N   customers loaded for the large-tenant figures (default 1000000)
  --runs R        repetitions of each interleaved benchmark (default 3)
  --out DIR       keep every benchmark's full output there (default: a new
                  directory under /var/tmp, printed at the end)
  --build DIR     the build directory (default build; scripts/setup.sh makes it)
EOF_USAGE
  exit "${1:-2}"
}
while (($# > 0)); do
  case "$1" in
    --customers) customers="${2:-}"; shift 2 || usage ;;
    --runs) runs="${2:-}"; shift 2 || usage ;;
    --out) out_dir="${2:-}"; shift 2 || usage ;;
    --build) build="$(realpath -m -- "${2:-.}")"; shift 2 || usage ;;
    -h|--help) usage 0 ;;
    *) usage ;;
  esac
done
for v in "$customers" "$runs"; do [[ "$v" =~ ^[1-9][0-9]*$ ]] || usage; done
fail() { echo "run_all.sh: error: $*" >&2; exit 1; }
for exe in api/cli/chronicle tests/bench/bench_log_append tests/bench/bench_visibility; do
  [[ -x "$build/$exe" ]] || fail "$build/$exe not found (scripts/setup.sh builds it)"
done
[[ -n "$out_dir" ]] || out_dir="$(mktemp -d -p /var/tmp chronicle-bench-XXXXXX)"
mkdir -p "$out_dir"

echo "Chronicle benchmarks: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)," \
     "load average $(cut -d' ' -f1-3 /proc/loadavg) at the start; full output in $out_dir"

# run NAME COMMAND...: runs one benchmark, keeps its output, prints the part
# from its medians on.
run() {
  local name="$1"
  shift
  echo
  echo "== $name: $*"
  local started=$SECONDS
  if ! "$@" >"$out_dir/$name.txt" 2>&1; then
    tail -n 30 "$out_dir/$name.txt" >&2
    fail "$name failed (full output in $out_dir/$name.txt)"
  fi
  awk 'found || /^medians|^request \(/ { found = 1; print }' "$out_dir/$name.txt"
  echo "($name took $((SECONDS - started)) s)"
}

run log_append "$build/tests/bench/bench_log_append" --runs "$runs" --dir /var/tmp
run pg_baseline "$bench/run_pg_baseline.sh" --runs "$runs"
run http "$bench/run_http_bench.sh" --runs "$runs" --bin "$build/api/cli/chronicle"
run visibility "$build/tests/bench/bench_visibility" --runs "$runs"
run million "$bench/run_million.sh" --customers "$customers" --bin "$build/api/cli/chronicle"

# The figures, picked from the outputs above.
field() { sed -nE "s/.*[ ]$2=([^ ]+).*/\\1/p" "$out_dir/$1.txt" | tail -n 1; }
# Columns of the row starting with LABEL in a benchmark's medians table.
row() { awk -v l="$2" 'index($0, l) == 1 { $0 = substr($0, length(l) + 1); print; exit }' "$out_dir/$1.txt"; }
read -r _ log64 _ _ _ log_vs_put <<<"$(row log_append "embedded_log, group commit" | awk '$1 == 64')"
read -r vis50 vis99 <<<"$(row visibility "GET with its consistency token (visible)")"
read -r get_rps get50 get99 _ <<<"$(row http "GET /v1/customers/{id}")"
# run_million.sh prints each query table twice: one connection (latency),
# then four (capacity); `q` reads the first, `qc` the second.
q() { row million "$1" | awk '{ print $3 }'; }
qc() { awk -v l="$1" 'index($0, l) == 1 && ++n == 2 { $0 = substr($0, length(l) + 1); printf "%.0f/s %s", $1, $3; exit }' "$out_dir/million.txt"; }

echo
echo "== summary ($(date -u +%Y-%m-%dT%H:%MZ), medians; µs pairs are p50/p99; server figures are upper bounds of its histogram buckets)"
printf '%-58s %22s  %s\n' "figure" "value" "goal"
line() { printf '%-58s %22s  %s\n' "$1" "$2" "${3:-}"; }
line "PostgreSQL events table, append_event(), 64 clients" "$(field pg_baseline pg | awk '{ printf "%.0f/s", $1 }')" "baseline"
line "Chronicle embedded log append, 64 appenders" "$(field pg_baseline chronicle | awk '{ printf "%.0f/s", $1 }')"
line "  Chronicle log / PostgreSQL (same run)" "$(field pg_baseline ratio | awk '{ printf "%.2fx", $1 }')" "> 1"
line "Chronicle POST /v1/customers over HTTP, 64 connections" "$(field pg_baseline http | awk '{ printf "%.0f/s", $1 }')"
line "  Chronicle HTTP / PostgreSQL (same run)" "$(field pg_baseline http_ratio | awk '{ printf "%.2fx", $1 }')" "> 1"
line "embedded log, group commit vs one fsync per event (C=64)" "${log_vs_put:-?}" "> 1"
line "GET /v1/customers/{id}, 64 connections" "${get_rps:-?}/s ${get50:-?}/${get99:-?} µs"
line "append-to-visible (GET with the write's token)" "${vis50:-?}/${vis99:-?} µs"
line "at $customers customers, server, one connection: GET by id" "$(q "GET /v1/customers/{id}") µs" "p99 ≤ 2000"
line "  exact lookup by email" "$(q "?email[eq]= (exact lookup)") µs" "p99 ≤ 2000"
line "  exact lookup by phone" "$(q "?phone[eq]= (exact lookup)") µs" "p99 ≤ 2000"
line "  filtered, sorted 50-row page (city, -created_at)" "$(q "city filter, -created_at, 50 rows") µs" "p99 ≤ 10000"
line "  filtered, sorted 50-row page (type + tag, name)" "$(q "type + tag, sort name, 50 rows") µs" "p99 ≤ 10000"
line "  q= prefix, sorted 50-row page" "$(q "q= name prefix, sort name, 50 rows") µs" "p99 ≤ 10000"
line "  capacity (4 connections): GET by id" "$(qc "GET /v1/customers/{id}") µs"
line "  capacity (4 connections): page (city, -created_at)" "$(qc "city filter, -created_at, 50 rows") µs"
line "  capacity (4 connections): q= prefix page" "$(qc "q= name prefix, sort name, 50 rows") µs"
line "  server peak RSS" "$(field million rss_mib) MiB"
line "replay of every read model ($(field million replay_events) events)" "$(field million replay_eps)/s"
line "  replay peak memory" "$(field million replay_peak_mib) MiB"
echo
echo "full outputs: $out_dir"
