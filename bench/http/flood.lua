-- wrk script of bench/http/flood.sh: every request presents one of the wrong-secret tokens in
-- KW_FLOOD_TOKENS (space-separated), picked at random, from a random address of the /16 whose
-- first two octets are KW_FLOOD_NET (e.g. "5.0") in X-Forwarded-For. The figures are printed as
-- authz.lua prints them.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "authz.lua")

local tokens = {}
for token in (os.getenv("KW_FLOOD_TOKENS") or ""):gmatch("%S+") do tokens[#tokens + 1] = token end
local net = os.getenv("KW_FLOOD_NET") or ""
if #tokens == 0 or not net:match("^%d+%.%d+$") then
  error("flood.lua: set KW_FLOOD_TOKENS (tokens) and KW_FLOOD_NET (two octets, e.g. 5.0)")
end

request = function()
  local address = net .. "." .. math.random(0, 255) .. "." .. math.random(1, 254)
  return wrk.format(nil, nil, {
    ["Authorization"] = "Bearer " .. tokens[math.random(#tokens)],
    ["X-Forwarded-For"] = address,
  })
end
