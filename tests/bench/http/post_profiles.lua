-- POST /v1/customers with varied profiles, for loading a large tenant: names
-- from short lists, a type, a status, a city, a unique email and phone, and
-- 0–2 of the tags in TAG_IDS. Each thread stops after PER_THREAD answers and
-- writes every created id, email and phone to IDS_OUT.<tid>
-- ("id email digits-of-phone" a line).
--
-- Env: CHRONICLE_KEY, TAG_IDS (comma-separated tag ids), PER_THREAD, IDS_OUT.

local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "common.lua")

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

local firsts = {"Ada", "Bob", "Chen", "Dara", "Emil", "Fatou", "Gus", "Hana", "Ivo", "June", "Kofi", "Lena",
                "Mateo", "Nia", "Omar", "Pia", "Quinn", "Rosa", "Sven", "Tara"}
local lasts = {"Lovelace", "Baker", "Okafor", "Novak", "Schmidt", "Diallo", "Moreau", "Tanaka", "Ivanova",
               "Jensen", "Kowalski", "Larsen", "Martins", "Nakamura", "Olsen", "Petrov", "Quist", "Rossi",
               "Svensson", "Tremblay", "Umar", "Vidal", "Weber", "Xu", "Yilmaz", "Zuniga"}
local types = {"household", "household", "household", "restaurant", "retailer", "wholesale"}
local statuses = {"prospect", "active", "active", "active", "inactive", "churned"}
local cities = {}
for i = 1, 300 do cities[i] = "City" .. i end
local tags = {}
for t in string.gmatch(os.getenv("TAG_IDS") or "", "[^,]+") do tags[#tags + 1] = t end

local per_thread = tonumber(os.getenv("PER_THREAD") or "0")
local ids_out = os.getenv("IDS_OUT")
local issued, created = 0, 0
local out

function init(args)
  math.randomseed(tid * 7919)
  out = assert(io.open(ids_out .. "." .. tid, "w"))
end

function request()
  issued = issued + 1
  local email = string.format("c%d-%d@load.example", tid, issued)
  local phone = string.format("+1%03d%03d%04d", 200 + tid, 200 + math.floor(issued / 10000) % 800, issued % 10000)
  local tag_list = {}
  if #tags > 0 then
    for _ = 1, math.random(0, 2) do tag_list[#tag_list + 1] = '"' .. tags[math.random(#tags)] .. '"' end
  end
  if #tag_list == 2 and tag_list[1] == tag_list[2] then tag_list[2] = nil end
  local body = string.format(
    '{"first_name":"%s","last_name":"%s","type":"%s","status":"%s","emails":[{"address":"%s"}],' ..
    '"phones":[{"number":"%s"}],"addresses":[{"label":"Home","street":"%d Main St","city":"%s",' ..
    '"postal_code":"94107","country":"US"}],"tag_ids":[%s]}',
    firsts[math.random(#firsts)], lasts[math.random(#lasts)], types[math.random(#types)],
    statuses[math.random(#statuses)], email, phone, issued, cities[math.random(#cities)],
    table.concat(tag_list, ","))
  return wrk.format("POST", "/v1/customers", nil, body)
end

function response(status, headers, body)
  if status == 201 then
    local id = body:match('"id":"([0-9A-Z]+)"')
    local email = body:match('"email":"([^"]+)"')
    local phone = body:match('"phone":"%+([0-9]+)"')
    if id then
      created = created + 1
      out:write(id, " ", email or "", " ", phone or "", "\n")
    end
  end
  if per_thread > 0 and created >= per_thread then
    out:flush()
    wrk.thread:stop()
  end
end
