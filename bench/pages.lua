-- bench/pages.lua — wrk script for server-rendered pages (bench/pages.sh): GET BENCH_PATH, or
-- a random line of BENCH_PATHS_FILE on every request; sends the helpo_session cookie from
-- BENCH_COOKIE when set and never an Authorization header (pages authenticate by cookie only).
local cookie = os.getenv("BENCH_COOKIE")
dofile((os.getenv("BENCH_DIR") or "bench") .. "/report.lua")
wrk.headers["Authorization"] = nil
if cookie and cookie ~= "" then
	wrk.headers["Cookie"] = "helpo_session=" .. cookie
end
wrk.headers["Accept"] = "text/html"

local path = os.getenv("BENCH_PATH") or "/"
local file = os.getenv("BENCH_PATHS_FILE")
local paths = {}
if file and file ~= "" then
	for line in io.lines(file) do
		if line ~= "" then
			paths[#paths + 1] = line
		end
	end
end

function init(args)
	math.randomseed(os.time() * 1000 + (thread_no or 0) * 7919)
end

function request()
	if #paths > 0 then
		return wrk.format("GET", paths[math.random(1, #paths)])
	end
	return wrk.format("GET", path)
end
