-- bench/report.lua — shared by the wrk scripts: auth header from BENCH_AUTH, a per-thread
-- random seed, and a done() hook that prints one machine-readable "BENCH ..." line
-- (wrk's own --latency table has no p95).
local auth = os.getenv("BENCH_AUTH")
if auth then
	wrk.headers["Authorization"] = auth
end

local threads_made = 0
function setup(thread)
	threads_made = threads_made + 1
	thread:set("thread_no", threads_made)
end

function done(summary, latency, requests)
	local e = summary.errors
	local secs = summary.duration / 1e6
	io.write(string.format(
		"BENCH requests=%d seconds=%.2f rps=%.1f non2xx=%d sockerr=%d " ..
		"p50_ms=%.2f p90_ms=%.2f p95_ms=%.2f p99_ms=%.2f max_ms=%.2f mean_ms=%.2f\n",
		summary.requests, secs, summary.requests / secs, e.status,
		e.connect + e.read + e.write + e.timeout,
		latency:percentile(50) / 1000, latency:percentile(90) / 1000,
		latency:percentile(95) / 1000, latency:percentile(99) / 1000,
		latency.max / 1000, latency.mean / 1000))
end
