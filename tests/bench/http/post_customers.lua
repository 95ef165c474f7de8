-- POST /v1/customers, one new customer per request. The email is unique per
-- request (run tag, thread id, per-thread counter) so no request trips the
-- email uniqueness rule and every one does the full command path.
--
-- Env:
--   CHRONICLE_KEY    bearer key (see common.lua)
--   RUN_TAG          distinguishes runs against the same server (default: time)
--   IDS_OUT          seeding only: each thread writes the ids it created to
--                    IDS_OUT.<tid>, and IDS_OUT.failed on the first failure
--   SEED_PER_THREAD  seeding only: a thread stops once it has this many ids
--
-- Seeding counts answers, not requests: wrk calls request() once more than it
-- sends (to check the script), and stopping a thread drops the answers still
-- in flight, so "at least N ids" is exact only when counted on the way back.

local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "common.lua")

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

local run_tag = os.getenv("RUN_TAG") or tostring(os.time())
local ids_out = os.getenv("IDS_OUT")
local quota = tonumber(os.getenv("SEED_PER_THREAD") or "")
local issued = 0
local created = 0
local ids_file

function init(args)
  if ids_out then
    ids_file = assert(io.open(ids_out .. "." .. tid, "w"))
    ids_file:setvbuf("line")
  end
end

function request()
  issued = issued + 1
  local body = string.format(
    '{"first_name": "Bench Customer %s %d %d", "emails": [{"address": "bench-%s-%d-%d@example.com"}]}',
    run_tag, tid, issued, run_tag, tid, issued)
  return wrk.format("POST", "/v1/customers", nil, body)
end

local function id_of(headers, body)
  for name, value in pairs(headers) do
    if string.lower(name) == "location" then
      local id = value:match("/v1/customers/([^/?#]+)")
      if id then return id end
    end
  end
  return body and body:match('"id"%s*:%s*"([^"]+)"')
end

if ids_out then
  -- Anything but 201 with an id is a failed registration: seeding stops
  -- rather than leave a short or wrong id list.
  function response(status, headers, body)
    local id = status == 201 and id_of(headers, body)
    if id then
      ids_file:write(id, "\n")
      created = created + 1
      if quota and created >= quota then wrk.thread:stop() end
      return
    end
    local f = io.open(ids_out .. ".failed", "a")
    if f then
      f:write(string.format("thread %d: status %d: %s\n", tid, status, tostring(body)))
      f:close()
    end
    wrk.thread:stop()
  end
end
