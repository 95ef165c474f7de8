-- Shared by the HTTP benchmark scripts (and usable alone as the wrk script of
-- the baseline run): gives every wrk thread an id, adds the bearer key, and
-- prints one machine-readable line per wrk run for run_http_bench.sh.
-- Env: CHRONICLE_KEY, the API key sent as "Authorization: Bearer ..." if set.

local key = os.getenv("CHRONICLE_KEY")
if key and key ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. key
end

local next_thread_id = 1

-- Runs in wrk's main Lua state once per thread, before the threads start;
-- the value becomes the global `tid` inside that thread's own state.
function setup(thread)
  thread:set("tid", next_thread_id)
  next_thread_id = next_thread_id + 1
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "wrk_result rps=%.1f p50_us=%d p99_us=%d requests=%d status_errors=%d socket_errors=%d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(99),
    summary.requests, e.status, e.connect + e.read + e.write + e.timeout))
end
