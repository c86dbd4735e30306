-- wrk script of bench/http/writes.sh: every request creates a key, POST /v1/apikeys with a name
-- of its own: "bench-<a UUID drawn once per wrk process>-<counter>". Run it with -t1 only (one Lua
-- state, so one counter). The Authorization header comes from the command line (-H). The figures
-- are printed as authz.lua prints them.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "authz.lua")

local source = io.open("/proc/sys/kernel/random/uuid")
if not source then error("writes.lua: cannot read /proc/sys/kernel/random/uuid") end
local prefix = "bench-" .. source:read("*l") .. "-"
source:close()
local count = 0

wrk.headers["Content-Type"] = "application/json"

request = function()
  count = count + 1
  return wrk.format("POST", "/v1/apikeys", nil,
                    '{"name": "' .. prefix .. count .. '", "role": "Auditor"}')
end
