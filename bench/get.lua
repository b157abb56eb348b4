-- bench/get.lua — wrk script: GET BENCH_PATH, where "{id}" is replaced by a random ticket id
-- in [BENCH_MIN_ID, BENCH_MAX_ID] on every request. Env: BENCH_AUTH, BENCH_DIR.
dofile((os.getenv("BENCH_DIR") or "bench") .. "/report.lua")

local path = os.getenv("BENCH_PATH") or "/api/v2/tickets/{id}"
local lo = tonumber(os.getenv("BENCH_MIN_ID") or "1")
local hi = tonumber(os.getenv("BENCH_MAX_ID") or "1")
local dynamic = path:find("{id}", 1, true) ~= nil

function init(args)
	math.randomseed(os.time() * 1000 + (thread_no or 0) * 7919)
	if not dynamic then
		wrk.path = path
	end
end

function request()
	if not dynamic then
		return wrk.format("GET", path)
	end
	local p = path:gsub("{id}", tostring(math.random(lo, hi)))
	return wrk.format("GET", p)
end
