-- bench/create.lua — wrk script: POST /api/v2/tickets with a small ticket + first comment
-- (the same ticket bench/direct.c creates). Env: BENCH_AUTH, BENCH_DIR.
dofile((os.getenv("BENCH_DIR") or "bench") .. "/report.lua")

wrk.method = "POST"
wrk.path = "/api/v2/tickets"
wrk.headers["Content-Type"] = "application/json"

local n = 0
local tag = 0

function init(args)
	tag = (thread_no or 0) * 100000000
end

function request()
	n = n + 1
	local i = tag + n
	local body = string.format('{"ticket":{"subject":"Bench ticket %d: gadget arrived damaged",' ..
		'"priority":"normal","comment":{"body":"Hello, the gadget I ordered last week ' ..
		'arrived with a cracked screen and a dented case. Could you send a replacement or ' ..
		'tell me how to return it? Order %d. Thanks!"}}}', i, i)
	return wrk.format(nil, nil, nil, body)
end
