-- wrk script: each request takes the next path from the file named by the
-- environment variable PATHS (one path per line), round robin per thread,
-- starting at a different offset in each thread.
local paths = {}
for line in io.lines(os.getenv("PATHS")) do
	if #line > 0 then paths[#paths + 1] = line end
end
local i = math.random(#paths)

request = function()
	i = i % #paths + 1
	return wrk.format("GET", paths[i])
end

done = function(summary, latency, requests)
	-- statuses outside 2xx/3xx, and socket errors, for the scripts to check
	local e = summary.errors
	io.write(string.format("errors: status=%d connect=%d read=%d write=%d timeout=%d\n",
		e.status, e.connect, e.read, e.write, e.timeout))
end
