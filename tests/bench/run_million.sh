#!/usr/bin/env bash
# A large tenant at the server: loads N customers (default 1,000,000) with
# varied profiles into a real `chronicle serve` on 127.0.0.1 through POST
# /v1/customers, then measures, with wrk at one connection (the server's own
# latency) and at a few (its capacity, both cores busy), GET by id, exact lookups by email, and filtered,
# sorted 50-row list pages (each row read from the view and audited), and
# reports the server's peak RSS; then places --orders orders for random
# customers (POST /v1/orders, stock reserved for each) and measures order
# reads; then stops the server and times a rebuild of every read model from
# this log (events/s, peak memory). Bounded: loading stops at N customers (or
# M orders) or after --load-seconds.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
http_dir="$repo_root/tests/bench/http"
bin="$repo_root/build/api/cli/chronicle"
customers=1000000
seconds=10
connections=4
load_seconds=1800
orders=100000
keep=""

usage() {
  cat <<'EOF_USAGE'
usage: tests/bench/run_million.sh [--customers N] [--seconds S] [--connections C] [--load-seconds L] [--orders M] [--keep DIR] [--bin PATH]
  --customers N      customers to load (default 1000000)
  --seconds S        duration of each measurement (default 10)
  --connections C    wrk connections for the capacity measurements, after
                     the one-connection latency ones (default 4)
  --load-seconds L   give up loading after L seconds (default 1800)
  --orders M         orders to place after the customer queries (default
                     100000; 0: none)
  --keep DIR         keep the loaded data in DIR; when DIR already holds a
                     finished load, skip loading and measure again on it
EOF_USAGE
  exit "${1:-2}"
}
while (($# > 0)); do
  case "$1" in
    --customers) customers="${2:-}"; shift 2 || usage ;;
    --seconds) seconds="${2:-}"; shift 2 || usage ;;
    --connections) connections="${2:-}"; shift 2 || usage ;;
    --load-seconds) load_seconds="${2:-}"; shift 2 || usage ;;
    --orders) orders="${2:-}"; shift 2 || usage ;;
    --keep) keep="$(realpath -m -- "${2:-.}")"; shift 2 || usage ;;
    --bin) bin="$(realpath -m -- "${2:-.}")"; shift 2 || usage ;;
    -h|--help) usage 0 ;;
    *) usage ;;
  esac
done
for v in "$customers" "$seconds" "$connections" "$load_seconds"; do [[ "$v" =~ ^[1-9][0-9]*$ ]] || usage; done
[[ "$orders" =~ ^[0-9]+$ ]] || usage
fail() { echo "run_million.sh: error: $*" >&2; [[ -s "${work:-}/server.log" ]] && tail -n 20 "$work/server.log" >&2; exit 1; }
[[ -x "$bin" ]] || fail "$bin not found (scripts/setup.sh builds it)"
command -v wrk >/dev/null || fail "wrk not found"

if [[ -n "$keep" ]]; then
  mkdir -p "$keep" || fail "cannot create $keep"
  work="$keep"
else
  work="$(mktemp -d -p /var/tmp chronicle-million-XXXXXX)"
fi
# A finished load (kept with --keep) has its key, tag ids and customer ids.
reuse=""
[[ -s "$work/key" && -s "$work/tags" && -d "$work/data" ]] && ls "$work"/ids.[0-9]* >/dev/null 2>&1 && reuse=1
pid=""
wrk_pid=""
cleanup() {
  [[ -n "$wrk_pid" ]] && kill "$wrk_pid" 2>/dev/null || true
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then kill -TERM "$pid"; wait "$pid" 2>/dev/null || true; fi
  [[ -n "$keep" ]] || rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port=$((20000 + RANDOM % 20000))
"$bin" serve --data-dir "$work/data" --listen "127.0.0.1:$port" >"$work/server.log" 2>&1 &
pid=$!
url="http://127.0.0.1:$port"
for ((i = 0; i < 1800; i++)); do  # the search index of a kept load is read first
  grep -q "listening on" "$work/server.log" 2>/dev/null && break
  kill -0 "$pid" 2>/dev/null || fail "the server exited"
  sleep 0.1
done
if [[ -n "$reuse" ]]; then
  key="$(cat "$work/key")"
  read -r -a tag_ids <"$work/tags"
  loaded="$(cat "$work"/ids.[0-9]* | wc -l)"
  echo "measuring again on the $loaded customers kept in $work"
else
key="$(grep -o 'chr_[0-9A-Za-z_]*' "$work/server.log" | head -n 1)"
[[ -n "$key" ]] || fail "no admin key printed"
echo "$key" >"$work/key"
export CHRONICLE_KEY="$key"

tag_ids=()
for name in Restaurant Weekly VIP Wholesale Organic Returnable Chef Market School Office; do
  r="$(curl -sf -H "Authorization: Bearer $key" -H 'Content-Type: application/json' -d "{\"name\":\"$name\"}" "$url/v1/tags")" \
    || fail "creating tag $name"
  tag_ids+=("$(sed -E 's/.*"id":"([0-9A-Z]+)".*/\1/' <<<"$r")")
done
echo "${tag_ids[*]}" >"$work/tags"
sleep 1

echo "loading $customers customers into $url ($(nproc) cores; the machine's other load counts)"
started=$SECONDS
per_thread=$(((customers + 1) / 2))
TAG_IDS="$(IFS=,; echo "${tag_ids[*]}")" PER_THREAD="$per_thread" IDS_OUT="$work/ids" \
  wrk -t2 -c32 -d"${load_seconds}s" --timeout 30s -s "$http_dir/post_profiles.lua" "$url" \
  >"$work/load.out" 2>&1 &
wrk_pid=$!
# A wrk thread that has its share stops sending, but wrk itself ends only at
# the end of -d: it is interrupted (SIGINT, its normal way to finish early).
last_report=$SECONDS
while kill -0 "$wrk_pid" 2>/dev/null; do
  n="$({ cat "$work"/ids.[0-9]* 2>/dev/null || true; } | wc -l)"
  ((n >= per_thread * 2)) && { kill -INT "$wrk_pid" 2>/dev/null || true; break; }
  if ((SECONDS - last_report >= 60)); then
    echo "  $n loaded after $((SECONDS - started)) s"
    last_report=$SECONDS
  fi
  sleep 1
done
wait "$wrk_pid" || true
wrk_pid=""
loaded="$(cat "$work"/ids.[0-9]* | wc -l)"
load_time=$((SECONDS - started))
echo "loaded $loaded customers in ${load_time}s ($((loaded / (load_time > 0 ? load_time : 1)))/s)"
((loaded > 0)) || fail "nothing was loaded"
fi
export CHRONICLE_KEY="$key"  # a kept load's key, for the measurements
# Wait for the projections to catch up.
for ((i = 0; i < 600; i++)); do
  lag="$(curl -sf "$url/metrics" | awk '$1 == "chronicle_projection_lag_events" { print $2 }')"
  [[ "${lag:-1}" == "0" ]] && break
  sleep 1
done

cat "$work"/ids.[0-9]* | shuf -n 20000 --random-source=<(yes) >"$work/sample"
awk '{ print "/v1/customers/" $1 }' "$work/sample" >"$work/q_id"
awk '{ print "/v1/customers?email[eq]=" $2 }' "$work/sample" | sed 's/@/%40/' >"$work/q_email"
awk '{ print "/v1/customers?phone[eq]=%2B" $3 }' "$work/sample" >"$work/q_phone"
: >"$work/q_city"; : >"$work/q_type_tag"; : >"$work/q_status_total"; : >"$work/q_prefix"
for i in $(seq 1 300); do echo "/v1/customers?city[eq]=City$i&sort=-created_at" >>"$work/q_city"; done
for t in "${tag_ids[@]}"; do
  for ty in household restaurant retailer wholesale; do
    echo "/v1/customers?type[eq]=$ty&tags[in]=$t&sort=name" >>"$work/q_type_tag"
  done
  echo "/v1/customers?status[eq]=active&tags[in]=$t&include=total" >>"$work/q_status_total"
done
for p in Lov Bak Oka Nov Sch Dia Mor Tan Iva Jen Kow Lar Mar Nak Ols Pet Qui Ros Sve Tre; do
  echo "/v1/customers?q=$p&sort=name" >>"$work/q_prefix"
done

# The server's own latency (request parsed to response ready, no socket or
# client time) comes from its /metrics histogram, differenced around each
# run: a quantile is reported as the upper bound of the bucket it falls in.
server_buckets() {  # ROUTE: "le count" lines of the route's latency histogram
  curl -sf "$url/metrics" | awk -v r="route=\"$1\"" '
    index($0, "chronicle_http_request_duration_seconds_bucket{") == 1 && index($0, r) {
      match($0, /le="[^"]*"/); le = substr($0, RSTART + 4, RLENGTH - 5); print le, $NF }'
}
server_quantiles() {  # BEFORE AFTER: "p50 p99" in µs, upper bucket bounds
  awk 'FILENAME == ARGV[1] { before[$1] = $2; next }
       { le = $1 == "+Inf" ? 1e9 : $1; print le, $2 - (($1 in before) ? before[$1] : 0) }' "$1" "$2" |
    sort -g | awk '{ le[NR] = $1; c[NR] = $2 } END {
      total = c[NR]; p50 = ""; p99 = ""
      for (i = 1; i <= NR; i++) {
        if (p50 == "" && c[i] >= 0.50 * total) p50 = le[i]
        if (p99 == "" && c[i] >= 0.99 * total) p99 = le[i]
      }
      printf "%d %d\n", p50 * 1e6, p99 * 1e6 }'
}

# measure ROW...: each "file:route:label", one wrk run of --seconds each,
# first with one connection, then with --connections. One connection gives
# the server's latency for a request that has the server to itself (the
# latency figures the targets speak of); --connections keeps both cores busy
# (wrk runs on them too), so its throughput is the server's capacity and its
# latency includes the time a request waits for a core behind the others.
measure() {
  warm_up "$@"
  measure_at 1 "$@"
  if ((connections > 1)); then measure_at "$connections" "$@"; fi
}
# A server in service has its caches warm (a kept load is measured right
# after a restart): each row's queries run for 2 s before anything is timed.
warm_up() {
  local row
  for row in "$@"; do
    QUERIES_FILE="$work/${row%%:*}" wrk -t2 -c4 -d2s --timeout 10s -s "$http_dir/get_queries.lua" "$url" >/dev/null 2>&1 || true
  done
}
# Flushes and compactions a row leaves behind (a page read writes 50 audit
# entries) would otherwise run during the next row and be billed to it,
# so the figures would depend on the order of the rows: each row starts
# once the server reports no flush or compaction running or pending
# (chronicle_storage_background_jobs), waiting at most 60 s. A row's own
# background work still lands in its figures.
settled_ms=0
settle() {
  local i jobs
  for ((i = 0; i < 120; i++)); do
    jobs="$(curl -sf "$url/metrics" | awk 'index($0, "chronicle_storage_background_jobs{") == 1 { n += $NF } END { print n + 0 }')"
    [[ "$jobs" == 0 ]] && return 0
    sleep 0.5
    settled_ms=$((settled_ms + 500))
  done
  echo "  (flushes or compactions still running after 60 s; measuring anyway)"
}
measure_at() {
  local c="$1" row file rest route label out line rps p50 p99 errs s50 s99 threads
  shift
  settled_ms=0
  threads=$((c < 2 ? 1 : 2))
  printf '\n%-46s %8s %14s %14s\n' "request ($c connection$( ((c > 1)) && echo s), ${seconds}s each)" "req/s" "client p50/p99" "server p50/p99"
  printf '%-46s %8s %14s %14s\n' "" "" "µs" "µs (≤ bucket)"
  for row in "$@"; do
    file="${row%%:*}"; rest="${row#*:}"; route="${rest%%:*}"; label="${rest#*:}"
    settle
    server_buckets "$route" >"$work/before"
    out="$(QUERIES_FILE="$work/$file" wrk -t"$threads" -c"$c" -d"${seconds}s" --timeout 10s -s "$http_dir/get_queries.lua" "$url" 2>&1)"
    server_buckets "$route" >"$work/after"
    line="$(grep '^wrk_result' <<<"$out")" || { echo "$out" >&2; fail "wrk failed ($label)"; }
    rps="$(sed -E 's/.*rps=([0-9.]+).*/\1/' <<<"$line")"
    p50="$(sed -E 's/.*p50_us=([0-9]+).*/\1/' <<<"$line")"
    p99="$(sed -E 's/.*p99_us=([0-9]+).*/\1/' <<<"$line")"
    errs="$(sed -E 's/.*status_errors=([0-9]+).*/\1/' <<<"$line")"
    read -r s50 s99 <<<"$(server_quantiles "$work/before" "$work/after")"
    printf '%-46s %8.0f %14s %14s%s\n' "$label" "$rps" "$p50/$p99" "$s50/$s99" \
      "$([[ "$errs" == 0 ]] || echo "  ($errs non-2xx)")"
  done
  echo "(before its rows, $((settled_ms / 1000)).$((settled_ms % 1000 / 100)) s in all waiting for flushes and compactions to finish)"
}

measure "q_id:customers.get:GET /v1/customers/{id}" "q_email:customers.list:?email[eq]= (exact lookup)" \
  "q_phone:customers.list:?phone[eq]= (exact lookup)" \
  "q_city:customers.list:city filter, -created_at, 50 rows" \
  "q_type_tag:customers.list:type + tag, sort name, 50 rows" \
  "q_status_total:customers.list:status + tag, include=total" \
  "q_prefix:customers.list:q= name prefix, sort name, 50 rows"
rss="$(awk '/VmHWM/ { print $2 }' "/proc/$pid/status")"
echo
echo "server peak RSS with $loaded customers: $((rss / 1024)) MiB; data directory: $(du -sh "$work/data" | cut -f1)"
grep "search index" "$work/server.log" || true


# Orders: a few products with ample stock, then POST /v1/orders (1-3 lines,
# each reserving stock) for random loaded customers, until --orders are
# placed; then reads of orders. A kept load places its orders once.
placed_now=""
if ((orders > 0)) && ! ls "$work"/orders.[0-9]* >/dev/null 2>&1; then
  product_ids=()
  for i in 1 2 3 4 5 6 7 8; do
    r="$(curl -sf -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
      -d "{\"sku\":\"BENCH-$i\",\"name\":\"Bench tray $i\",\"unit\":\"tray\",\"price\":{\"amount\":$((300 + 50 * i)),\"currency\":\"USD\"}}" \
      "$url/v1/products")" || fail "creating product BENCH-$i"
    id="$(sed -E 's/.*"id":"([0-9A-Z]+)".*/\1/' <<<"$r")"
    curl -sf -o /dev/null -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
      -d '{"action":"receive","quantity":1000000000,"reason":"benchmark stock"}' "$url/v1/products/$id/stock" \
      || fail "receiving stock for BENCH-$i"
    product_ids+=("$id")
  done
  cat "$work"/ids.[0-9]* >"$work/all_ids"
  echo
  echo "placing $orders orders for random customers"
  started=$SECONDS
  per_thread=$(((orders + 1) / 2))
  PRODUCT_IDS="$(IFS=,; echo "${product_ids[*]}")" PER_THREAD="$per_thread" IDS_FILE="$work/all_ids" ORDERS_OUT="$work/orders" \
    wrk -t2 -c32 -d"${load_seconds}s" --timeout 30s -s "$http_dir/post_orders.lua" "$url" \
    >"$work/orders.out" 2>&1 &
  wrk_pid=$!
  last_report=$SECONDS
  while kill -0 "$wrk_pid" 2>/dev/null; do
    n="$({ cat "$work"/orders.[0-9]* 2>/dev/null || true; } | wc -l)"
    ((n >= per_thread * 2)) && { kill -INT "$wrk_pid" 2>/dev/null || true; break; }
    if ((SECONDS - last_report >= 60)); then
      echo "  $n placed after $((SECONDS - started)) s"
      last_report=$SECONDS
    fi
    sleep 1
  done
  wait "$wrk_pid" || true
  wrk_pid=""
  n_orders="$(cat "$work"/orders.[0-9]* | wc -l)"
  t=$((SECONDS - started))
  echo "placed $n_orders orders in ${t}s ($((n_orders / (t > 0 ? t : 1)))/s)$([[ -s "$work/orders.failed" ]] && echo "; $(wc -l <"$work/orders.failed") refused, first: $(head -c 200 "$work/orders.failed")")"
  ((n_orders > 0)) || fail "no order was placed"
  for ((i = 0; i < 600; i++)); do
    lag="$(curl -sf "$url/metrics" | awk '$1 == "chronicle_projection_lag_events" { print $2 }')"
    [[ "${lag:-1}" == "0" ]] && break
    sleep 1
  done
  placed_now=1
fi
if ls "$work"/orders.[0-9]* >/dev/null 2>&1; then
  cat "$work"/orders.[0-9]* | shuf -n 20000 --random-source=<(yes) | awk '{ print "/v1/orders/" $1 }' >"$work/q_order"
  awk '{ print "/v1/customers/" $1 "/orders" }' "$work/sample" >"$work/q_customer_orders"
  : >"$work/q_last_order"
  for ty in household restaurant retailer wholesale; do
    echo "/v1/customers?type[eq]=$ty&sort=-last_order_at" >>"$work/q_last_order"
    echo "/v1/customers?type[eq]=$ty&sort=-lifetime_value" >>"$work/q_last_order"
  done
  measure "q_order:orders.get:GET /v1/orders/{id}" \
    "q_customer_orders:customers.orders.list:GET /v1/customers/{id}/orders" \
    "q_last_order:customers.list:type, sort by last order or lifetime value"
fi

[[ -z "$reuse" || -n "$placed_now" ]] || { echo "million_result customers=$loaded rss_mib=$((rss / 1024)) (measured again on kept data: no rebuild)"; exit 0; }
# Projection replay: the server stops, then every read model is folded again
# from the first event of this log (`chronicle rebuild`, its own process, so
# its peak memory is the rebuild's alone).
kill -TERM "$pid"
wait "$pid" || fail "the server exited with status $? after SIGTERM"
pid=""
"$bin" rebuild --data-dir "$work/data" | tee "$work/rebuild.out" || fail "chronicle rebuild failed"
echo "million_result customers=$loaded rss_mib=$((rss / 1024)) $(sed -E 's/.*from ([0-9]+) events in ([0-9.]+) s \(([0-9]+) events\/s\); peak memory ([0-9]+) MiB.*/replay_events=\1 replay_seconds=\2 replay_eps=\3 replay_peak_mib=\4/' "$work/rebuild.out")"
