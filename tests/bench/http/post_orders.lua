-- POST /v1/orders for loading orders: a random customer from the first word
-- of each line of IDS_FILE, 1-3 lines of the products in PRODUCT_IDS with
-- quantities 1-3. Each thread stops counting after PER_THREAD placed orders
-- (201) and writes their ids to ORDERS_OUT.<tid>; any other answer is
-- written to ORDERS_OUT.failed.
--
-- Env: CHRONICLE_KEY, IDS_FILE, PRODUCT_IDS (comma-separated), PER_THREAD,
-- ORDERS_OUT.

local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "common.lua")

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

local customers = {}
local products = {}
for p in string.gmatch(os.getenv("PRODUCT_IDS") or "", "[^,]+") do products[#products + 1] = p end
local per_thread = tonumber(os.getenv("PER_THREAD") or "0")
local out_prefix = os.getenv("ORDERS_OUT")
local placed = 0
local out, failed

function init(args)
  math.randomseed(tid * 104729)
  for line in io.lines(os.getenv("IDS_FILE")) do
    local id = line:match("^(%S+)")
    if id then customers[#customers + 1] = id end
  end
  assert(#customers > 0 and #products > 0, "no customers or no products")
  out = assert(io.open(out_prefix .. "." .. tid, "w"))
end

function request()
  local lines, used = {}, {}
  for _ = 1, math.random(1, math.min(3, #products)) do
    local p = products[math.random(#products)]
    if not used[p] then
      used[p] = true
      lines[#lines + 1] = string.format('{"product_id":"%s","quantity":%d}', p, math.random(1, 3))
    end
  end
  local body = string.format('{"customer_id":"%s","items":[%s]}', customers[math.random(#customers)],
                             table.concat(lines, ","))
  return wrk.format("POST", "/v1/orders", nil, body)
end

function response(status, headers, body)
  if status == 201 then
    local id = body:match('"id":"([0-9A-Z]+)"')
    if id then
      placed = placed + 1
      out:write(id, "\n")
    end
  else
    failed = failed or assert(io.open(out_prefix .. ".failed", "a"))
    failed:write(status, " ", body:sub(1, 300), "\n")
    failed:flush()
  end
  if per_thread > 0 and placed >= per_thread then
    out:flush()
  end
end
