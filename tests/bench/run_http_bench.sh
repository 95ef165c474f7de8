#!/usr/bin/env bash
# HTTP benchmark of a real `chronicle serve` on the embedded log, on loopback:
#   POST /v1/customers       the command path, durable append included
#   GET  /v1/customers/{id}  a read-model lookup
# against a same-run baseline, GET /healthz (the HTTP stack alone), so the
# figures come with ratios that survive a change of machine. Every step is
# bounded in time; the server is stopped with SIGTERM at the end.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
http_dir="tests/bench/http"

runs=3
seconds=10
seed=2000
connections=64
threads=2
bin="build/api/cli/chronicle"
unaudited_bin=""

usage() {
  cat <<'EOF_USAGE'
usage: tests/bench/run_http_bench.sh [--runs R] [--seconds S] [--seed N] [--connections C] [--bin PATH]
                                    [--unaudited-bin PATH]
  --runs R         repetitions; figures are medians over runs (default 3)
  --seconds S      duration of each wrk run (default 10)
  --seed N         customers created before the GET benchmark (default 2000)
  --connections C  wrk connections, over 2 wrk threads (default 64)
  --bin PATH       the chronicle executable (default build/api/cli/chronicle)
  --unaudited-bin PATH
                   a build with -DCHRONICLE_BENCH_UNAUDITED_READS=ON: a second
                   server whose GET /v1/customers/{id} skips the audit trail,
                   run interleaved with the first to price the audit entry
Env: CHRONICLE_KEY, sent as "Authorization: Bearer ..." when set.
EOF_USAGE
  exit "${1:-2}"
}

while (($# > 0)); do
  case "$1" in
    --runs) runs="${2:-}"; shift 2 || usage ;;
    --seconds) seconds="${2:-}"; shift 2 || usage ;;
    --seed) seed="${2:-}"; shift 2 || usage ;;
    --connections) connections="${2:-}"; shift 2 || usage ;;
    --bin) bin="$(realpath -m -- "${2:-.}")"; shift 2 || usage ;;
    --unaudited-bin) unaudited_bin="$(realpath -m -- "${2:-.}")"; shift 2 || usage ;;
    -h|--help) usage 0 ;;
    *) usage ;;
  esac
done
for v in "$runs" "$seconds" "$seed" "$connections"; do
  [[ "$v" =~ ^[1-9][0-9]*$ ]] || usage
done
((connections >= threads)) || usage
cd "$repo_root"

work="$(mktemp -d)"
server_pids=()
server_logs=()
wrk_pid=""

fail() {
  echo "run_http_bench.sh: error: $*" >&2
  local log
  for log in "${server_logs[@]}"; do
    if [[ -s "$log" ]]; then
      echo "--- last lines of $log ---" >&2
      tail -n 30 "$log" >&2
    fi
  done
  exit 1
}

stop_servers() {
  local pid i rc
  for pid in "${server_pids[@]}"; do
    kill -0 "$pid" 2>/dev/null && kill -TERM "$pid"
  done
  for pid in "${server_pids[@]}"; do
    for ((i = 0; i < 100; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo "run_http_bench.sh: server $pid ignored SIGTERM for 10 s; killing it" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
    rc=0
    wait "$pid" 2>/dev/null || rc=$?
    ((rc == 0)) || echo "run_http_bench.sh: server $pid exited with status $rc after SIGTERM" >&2
  done
  server_pids=()
}

cleanup() {
  [[ -z "${wrk_pid:-}" ]] || kill -INT "$wrk_pid" 2>/dev/null || true
  stop_servers
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

command -v wrk >/dev/null || fail "wrk not found (scripts/setup.sh installs it)"
[[ -x "$bin" ]] || fail "$bin not found or not executable (build it with scripts/setup.sh)"
[[ -z "$unaudited_bin" || -x "$unaudited_bin" ]] || fail "$unaudited_bin not found or not executable (see tests/bench/README.md)"

# Status code of GET PATH on the server at PORT with KEY, over bash's
# /dev/tcp so the benchmark needs no HTTP client beyond wrk. Prints nothing if
# the server does not answer.
http_status() {
  local port="$1" key="$2" path="$3" line auth=""
  [[ -n "$key" ]] && auth="Authorization: Bearer ${key}"$'\r\n'
  line="$( (exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 1
            printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1:%s\r\n%sConnection: close\r\n\r\n' \
              "$path" "$port" "$auth" >&3
            IFS= read -r -t 2 status_line <&3 && printf '%s' "$status_line") 2>/dev/null)" || true
  read -r _ code _ <<<"$line" || true
  printf '%s' "${code:-}"
}

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

free_port() {
  local i candidate
  for ((i = 0; i < 50; i++)); do
    candidate=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
    if ! port_in_use "$candidate"; then
      echo "$candidate"
      return 0
    fi
  done
  fail "found no free port on 127.0.0.1"
}

# start_instance NAME BIN: a server on a fresh data directory, seeded with
# `seed` customers; sets port[NAME], key[NAME] and ids[NAME] (a file).
declare -A port key ids
start_instance() {
  local name="$1" exe="$2" dir="$work/$1" p k i
  mkdir -p "$dir/data"
  p="$(free_port)"
  echo "starting $exe serve --data-dir $dir/data --listen 127.0.0.1:$p ($name)"
  "$exe" serve --data-dir "$dir/data" --listen "127.0.0.1:$p" >"$dir/server.log" 2>&1 &
  server_pids+=("$!")
  server_logs+=("$dir/server.log")
  local pid=$!
  local ready=""
  for ((i = 0; i < 600; i++)); do
    kill -0 "$pid" 2>/dev/null || fail "the $name server exited before it was ready"
    if [[ "$(http_status "$p" "" /readyz)" == "200" ]]; then
      ready=1
      break
    fi
    sleep 0.1
  done
  [[ -n "$ready" ]] || fail "the $name server was not ready within 60 s"
  # A fresh data directory prints its bootstrap admin key once.
  k="${CHRONICLE_KEY:-}"
  if [[ -z "$k" ]]; then
    k="$(grep -o 'chr_[0-9A-Za-z_]*' "$dir/server.log" | head -n 1 || true)"
    [[ -n "$k" ]] || fail "the $name server printed no admin key and CHRONICLE_KEY is not set"
  fi

  # Seeding: each wrk thread posts until it has its share of ids back (a few
  # more customers may be created by posts still in flight when it stops; the
  # GET benchmark uses exactly `seed` of the ids). wrk only ends at the end of
  # -d, so it is interrupted (SIGINT, its normal way to finish early) once the
  # ids are in or a registration failed.
  local per_thread=$(((seed + threads - 1) / threads))
  echo "seeding $seed customers ($name)"
  CHRONICLE_KEY="$k" IDS_OUT="$dir/ids" SEED_PER_THREAD="$per_thread" RUN_TAG="seed$$$name" \
    wrk -t"$threads" -c"$connections" -d120s --timeout 10s -s "$http_dir/post_customers.lua" "http://127.0.0.1:$p" \
    >"$dir/seed.out" 2>&1 &
  wrk_pid=$!
  count_ids() { cat "$dir"/ids.[0-9]* 2>/dev/null | wc -l; }
  while kill -0 "$wrk_pid" 2>/dev/null; do
    if [[ -e "$dir/ids.failed" ]] || (($(count_ids) >= per_thread * threads)); then
      kill -INT "$wrk_pid" 2>/dev/null || true
      break
    fi
    sleep 0.2
  done
  wait "$wrk_pid" || true
  wrk_pid=""
  if [[ -e "$dir/ids.failed" ]]; then
    head -n 5 "$dir/ids.failed" >&2
    fail "a registration failed while seeding $name (a 401 means the server wants CHRONICLE_KEY)"
  fi
  { cat "$dir"/ids.[0-9]* 2>/dev/null || true; } | head -n "$seed" >"$dir/ids.txt"
  local seeded
  seeded="$(wc -l <"$dir/ids.txt")"
  ((seeded == seed)) || { cat "$dir/seed.out" >&2; fail "seeding $name returned $seeded ids, expected $seed"; }

  # Projections are asynchronous: wait until a sample of the seeded customers
  # (every 50th and the last) is readable. The GET benchmark counts any 404 left.
  local readable="" id
  for ((i = 0; i < 300; i++)); do
    readable=1
    while read -r id; do
      if [[ "$(http_status "$p" "$k" "/v1/customers/$id")" != "200" ]]; then
        readable=""
        break
      fi
    done < <(awk 'NR % 50 == 1' "$dir/ids.txt"; tail -n 1 "$dir/ids.txt")
    [[ -n "$readable" ]] && break
    sleep 0.1
  done
  [[ -n "$readable" ]] || fail "seeded customers of $name were not readable 30 s after seeding"
  port[$name]="$p"
  key[$name]="$k"
  ids[$name]="$dir/ids.txt"
}

start_instance main "$bin"
[[ -z "$unaudited_bin" ]] || start_instance unaudited "$unaudited_bin"

results="$work/results"
: >"$results"

# run_wrk NAME RUN URL SCRIPT [ENV=VALUE...]: one bounded wrk run, its result
# line appended to $results as "RUN NAME rps p50 p99 requests status_err socket_err".
run_wrk() {
  local name="$1" run="$2" target="$3" script="$4" out line
  shift 4
  out="$(env "$@" timeout $((seconds + 60)) wrk -t"$threads" -c"$connections" -d"${seconds}s" \
    --timeout 10s -s "$script" "$target" 2>&1)" || { echo "$out" >&2; fail "wrk failed ($name)"; }
  line="$(grep '^wrk_result ' <<<"$out")" || { echo "$out" >&2; fail "wrk printed no result ($name)"; }
  echo "$line" | awk -v run="$run" -v name="$name" '{
    for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
    print run, name, v["rps"], v["p50_us"], v["p99_us"], v["requests"], v["status_errors"], v["socket_errors"]
  }' >>"$results"
  printf 'run %d/%d  %-24s %s\n' "$run" "$runs" "$name" "${line#wrk_result }"
}

# Interleaved, so a slow drift of the machine affects every benchmark alike.
for ((r = 1; r <= runs; r++)); do
  url="http://127.0.0.1:${port[main]}"
  run_wrk healthz "$r" "$url/healthz" "$http_dir/common.lua"
  # The two reads alternate which goes first, so neither always runs on the
  # heels of the other.
  reads=(main)
  if [[ -n "$unaudited_bin" ]]; then
    if ((r % 2)); then reads=(main unaudited); else reads=(unaudited main); fi
  fi
  for who in "${reads[@]}"; do
    name=get_customer
    [[ "$who" == main ]] || name=get_customer_unaudited
    run_wrk "$name" "$r" "http://127.0.0.1:${port[$who]}" "$http_dir/get_customer.lua" \
      CHRONICLE_KEY="${key[$who]}" IDS_FILE="${ids[$who]}"
  done
  run_wrk get_api_keys "$r" "$url/v1/api-keys" "$http_dir/common.lua" CHRONICLE_KEY="${key[main]}"
  # Last: its writes leave flushes and compactions behind that would slow
  # whatever came next.
  run_wrk post_customers "$r" "$url" "$http_dir/post_customers.lua" CHRONICLE_KEY="${key[main]}" RUN_TAG="r$r-$$"
done

stop_servers

median() {
  sort -g | awk '{ v[NR] = $1 } END {
    if (NR == 0) { print "nan"; exit }
    if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2
  }'
}
column_median() { awk -v n="$1" -v c="$2" '$2 == n { print $c }' "$results" | median; }
ratio_median() {
  awk -v n="$1" 'FNR == NR { if ($2 == "healthz") base[$1] = $3; next }
                 $2 == n && base[$1] > 0 { print $3 / base[$1] }' "$results" "$results" | median
}
# Median over runs of (requests/s of A) / (requests/s of B) in the same run.
pair_ratio() {
  awk -v a="$1" -v b="$2" 'FNR == NR { if ($2 == b) base[$1] = $3; next }
                           $2 == a && base[$1] > 0 { print $3 / base[$1] }' "$results" "$results" | median
}
sum_column() { awk -v n="$1" -v c="$2" '$2 == n { s += $c } END { print s + 0 }' "$results"; }

echo
echo "medians over $runs run(s) of ${seconds} s, $connections connections, $threads wrk threads, $seed customers seeded"
printf '%-26s %12s %10s %10s %11s %10s %10s\n' "benchmark" "requests/s" "p50 µs" "p99 µs" "vs healthz" "non-2xx" "sock err"
bad=0
pairs=("healthz:GET /healthz (baseline)" "post_customers:POST /v1/customers" "get_customer:GET /v1/customers/{id}")
[[ -z "$unaudited_bin" ]] || pairs+=("get_customer_unaudited:  same, unaudited build")
pairs+=("get_api_keys:GET /v1/api-keys (no audit)")
for pair in "${pairs[@]}"; do
  name="${pair%%:*}"
  label="${pair#*:}"
  status_errors="$(sum_column "$name" 7)"
  socket_errors="$(sum_column "$name" 8)"
  requests="$(sum_column "$name" 6)"
  printf '%-26s %12.0f %9.0f %9.0f %10.2fx %10d %10d\n' "$label" \
    "$(column_median "$name" 3)" "$(column_median "$name" 4)" "$(column_median "$name" 5)" \
    "$(ratio_median "$name")" "$status_errors" "$socket_errors"
  # More than 1% failed responses means the figures measure error paths.
  if (((status_errors + socket_errors) * 100 > requests)); then bad=1; fi
done
if [[ -n "$unaudited_bin" ]]; then
  printf '\naudited / unaudited GET /v1/customers/{id}, median of per-run ratios: %.2f\n' \
    "$(pair_ratio get_customer get_customer_unaudited)"
fi
if ((bad)); then
  echo "run_http_bench.sh: more than 1% of the responses of a benchmark were errors; its figures are not valid" >&2
  exit 1
fi
