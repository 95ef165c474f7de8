-- GETs from a file of request targets (QUERIES_FILE, one a line, e.g.
-- "/v1/customers?type[eq]=restaurant&sort=name"), round-robin; each thread
-- starts at a different line. Env: CHRONICLE_KEY, QUERIES_FILE.

local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "common.lua")

local targets = {}
local next_index = 1

function init(args)
  for line in io.lines(os.getenv("QUERIES_FILE")) do
    if line ~= "" then targets[#targets + 1] = line end
  end
  assert(#targets > 0, "no targets")
  next_index = ((tid - 1) * 7919) % #targets + 1
end

function request()
  local t = targets[next_index]
  next_index = next_index % #targets + 1
  return wrk.format("GET", t)
end
