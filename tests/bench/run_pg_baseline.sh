#!/usr/bin/env bash
# Chronicle's embedded log against the classic choice: an events table in a
# throw-away PostgreSQL (Debian's package, loopback port, temporary directory;
# durable commits: fsync and synchronous_commit on) with a unique (stream,
# version) constraint and an append function with an expected-version check
# (pg/schema.sql), driven by pgbench. Each transaction appends one event of
# the same size to a new stream, as registering a customer does. The embedded
# log takes the same event size from the same number of concurrent appenders
# (bench_log_append), and end to end through HTTP: a real `chronicle serve`
# on loopback, `wrk` with the same number of connections issuing
# POST /v1/customers (validation, encryption, durable append, answer).
# Runs are interleaved; the ratios are taken per run, then the median.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
runs=3
seconds=10
clients=64
payload=400
bench_bin="$repo_root/build/tests/bench/bench_log_append"
chronicle_bin="$repo_root/build/api/cli/chronicle"
dir_base="/var/tmp"

usage() {
  cat <<'EOF_USAGE'
usage: tests/bench/run_pg_baseline.sh [--runs R] [--seconds S] [--clients C] [--payload BYTES] [--dir DIR]
  --runs R         interleaved repetitions (default 3)
  --seconds S      duration of each measurement (default 10)
  --clients C      concurrent appenders on both sides (default 64)
  --payload BYTES  event size (default 400)
  --dir DIR        where both databases live (default /var/tmp: a real disk, not tmpfs)
Needs Debian's postgresql package (pgbench, initdb); run as root it runs
PostgreSQL as the `postgres` user.
EOF_USAGE
  exit "${1:-2}"
}

while (($# > 0)); do
  case "$1" in
    --runs) runs="${2:-}"; shift 2 || usage ;;
    --seconds) seconds="${2:-}"; shift 2 || usage ;;
    --clients) clients="${2:-}"; shift 2 || usage ;;
    --payload) payload="${2:-}"; shift 2 || usage ;;
    --dir) dir_base="${2:-}"; shift 2 || usage ;;
    -h|--help) usage 0 ;;
    *) usage ;;
  esac
done
for v in "$runs" "$seconds" "$clients" "$payload"; do [[ "$v" =~ ^[1-9][0-9]*$ ]] || usage; done

fail() { echo "run_pg_baseline.sh: error: $*" >&2; exit 1; }
pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
[[ -n "$pg_bin" && -x "$pg_bin/pgbench" && -x "$pg_bin/initdb" ]] \
  || fail "PostgreSQL is not installed (apt-get install postgresql)"
[[ -x "$bench_bin" ]] || fail "$bench_bin not found (scripts/setup.sh builds it)"
[[ -x "$chronicle_bin" ]] || fail "$chronicle_bin not found (scripts/setup.sh builds it)"
command -v wrk >/dev/null || fail "wrk not found (scripts/setup.sh installs it)"

work="$(mktemp -d -p "$dir_base" chronicle-pg-XXXXXX)"
pg_pid_file=""
server_pid=""
as_pg() {
  if [[ "$(id -u)" -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}
cleanup() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid"; wait "$server_pid" 2>/dev/null || true
  fi
  if [[ -n "$pg_pid_file" && -s "$pg_pid_file" ]]; then
    as_pg "$pg_bin/pg_ctl" -D "$work/db" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
[[ "$(id -u)" -ne 0 ]] || chown postgres "$work"

port=$((20000 + RANDOM % 20000))
echo "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') in $work, port $port"
as_pg "$pg_bin/initdb" -D "$work/db" -U bench -A trust >"$work/initdb.log" 2>&1 || { cat "$work/initdb.log"; fail "initdb failed"; }
max_conn=$((clients + 20))
as_pg "$pg_bin/pg_ctl" -D "$work/db" -l "$work/pg.log" -w -t 60 \
  -o "-p $port -k $work -c listen_addresses=127.0.0.1 -c max_connections=$max_conn -c shared_buffers=256MB -c fsync=on -c synchronous_commit=on" \
  start >/dev/null || { tail -n 20 "$work/pg.log" >&2; fail "PostgreSQL did not start"; }
pg_pid_file="$work/db/postmaster.pid"
psql() { "$pg_bin/psql" -X -q -h 127.0.0.1 -p "$port" -U bench -v ON_ERROR_STOP=1 "$@"; }
psql -d postgres -c "CREATE DATABASE events" >/dev/null
psql -d events -f "$repo_root/tests/bench/pg/schema.sql" >/dev/null

# The event: a JSON object of about `payload` bytes, like the log's records.
filler="$(head -c $((payload > 80 ? payload - 80 : 1)) /dev/zero | tr '\0' 'x')"
cat >"$work/append.sql" <<EOF_SQL
SELECT append_event('customer-bench-' || gen_random_uuid()::text, 0, 'customer.registered',
                    '{"customer_id": "01KFZZ00000000000000000001", "note": "$filler"}'::jsonb);
EOF_SQL

# The HTTP path: one server on a fresh data directory for all runs.
server_port=$((port + 1))
"$chronicle_bin" serve --data-dir "$work/chronicle" --listen "127.0.0.1:$server_port" >"$work/server.log" 2>&1 &
server_pid=$!
for ((i = 0; i < 300; i++)); do
  grep -q "listening on" "$work/server.log" && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; fail "chronicle serve exited"; }
  sleep 0.1
done
server_key="$(grep -o 'chr_[0-9A-Za-z_]*' "$work/server.log" | head -n 1)"
[[ -n "$server_key" ]] || fail "chronicle serve printed no admin key"

results="$work/results"
: >"$results"
threads=2
((clients >= threads)) || threads=1
for ((r = 1; r <= runs; r++)); do
  out="$("$pg_bin/pgbench" -h 127.0.0.1 -p "$port" -U bench -n -c "$clients" -j "$threads" -T "$seconds" \
         -f "$work/append.sql" events 2>&1)" || { echo "$out" >&2; fail "pgbench failed"; }
  pg_tps="$(grep -oP 'tps = \K[0-9.]+(?= \(without initial connection time\))' <<<"$out")"
  pg_lat="$(grep -oP 'latency average = \K[0-9.]+' <<<"$out")"
  printf 'run %d/%d  postgresql append_event      C=%-3d %10.0f /s  mean %7.2f ms\n' "$r" "$runs" "$clients" "$pg_tps" "$pg_lat"
  out="$("$bench_bin" --seconds "$seconds" --runs 1 --dir "$work" --payload "$payload" --concurrency "$clients" 2>&1)" \
    || { echo "$out" >&2; fail "bench_log_append failed"; }
  ch="$(awk -v c="C=$clients" '$1 == "run" && $3 == "embedded_log" && $5 == c { print $6 }' <<<"$out")"
  [[ -n "$ch" ]] || { echo "$out" >&2; fail "bench_log_append printed no figure for C=$clients"; }
  printf 'run %d/%d  chronicle embedded log      C=%-3d %10.0f /s\n' "$r" "$runs" "$clients" "$ch"
  out="$(CHRONICLE_KEY="$server_key" RUN_TAG="pg$r" wrk -t"$threads" -c"$clients" -d"${seconds}s" --timeout 10s \
           -s "$repo_root/tests/bench/http/post_customers.lua" "http://127.0.0.1:$server_port" 2>&1)" \
    || { echo "$out" >&2; fail "wrk failed"; }
  line="$(grep '^wrk_result' <<<"$out")" || { echo "$out" >&2; fail "wrk printed no result"; }
  http="$(sed -E 's/.*rps=([0-9.]+).*/\1/' <<<"$line")"
  errs="$(sed -E 's/.*status_errors=([0-9]+).*/\1/' <<<"$line")"
  ((errs == 0)) || { echo "$out" >&2; fail "$errs POST /v1/customers answers were not 201"; }
  printf 'run %d/%d  chronicle POST /v1/customers C=%-3d %10.0f /s  p99 %7.2f ms\n' "$r" "$runs" "$clients" "$http" \
    "$(sed -E 's/.*p99_us=([0-9]+).*/\1/' <<<"$line" | awk '{ print $1 / 1000 }')"
  echo "$r $pg_tps $ch $http" >>"$results"
done
rows="$(as_pg "$pg_bin/psql" -X -At -h 127.0.0.1 -p "$port" -U bench -d events -c "SELECT count(*) FROM events" 2>/dev/null || echo '?')"

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
pg_med="$(awk '{ print $2 }' "$results" | median)"
ch_med="$(awk '{ print $3 }' "$results" | median)"
ratio="$(awk '$2 > 0 { print $3 / $2 }' "$results" | median)"
http_med="$(awk '{ print $4 }' "$results" | median)"
http_ratio="$(awk '$2 > 0 { print $4 / $2 }' "$results" | median)"
echo
echo "medians over $runs run(s) of ${seconds} s, $clients concurrent appenders, ${payload}-byte events, durable commits ($rows rows in PostgreSQL at the end)"
printf '%-46s %12s\n' "appender" "events/s"
printf '%-46s %12.0f\n' "PostgreSQL events table + append_event()" "$pg_med"
printf '%-46s %12.0f\n' "Chronicle embedded log (group commit)" "$ch_med"
printf '%-46s %12.0f\n' "Chronicle POST /v1/customers over HTTP" "$http_med"
printf 'Chronicle log / PostgreSQL, median of per-run ratios:  %.2fx\n' "$ratio"
printf 'Chronicle HTTP / PostgreSQL, median of per-run ratios: %.2fx\n' "$http_ratio"
echo "pg_baseline_result pg=$pg_med chronicle=$ch_med ratio=$ratio http=$http_med http_ratio=$http_ratio"
