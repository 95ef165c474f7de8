-- GET /v1/customers/<id>, cycling through the ids in the file IDS_FILE (one a
-- line, as run_http_bench.sh writes them after seeding). Each thread starts at
-- a different place so threads do not request the same customer in lockstep.
-- Env: IDS_FILE (required), CHRONICLE_KEY (see common.lua).

local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "common.lua")

local ids = {}
local next_index = 1

function init(args)
  local path = os.getenv("IDS_FILE")
  if not path or path == "" then error("IDS_FILE is not set") end
  for line in io.lines(path) do
    if line ~= "" then ids[#ids + 1] = line end
  end
  if #ids == 0 then error("no ids in " .. path) end
  next_index = ((tid - 1) * math.floor(#ids / 2)) % #ids + 1
end

function request()
  local id = ids[next_index]
  next_index = next_index % #ids + 1
  return wrk.format("GET", "/v1/customers/" .. id)
end
