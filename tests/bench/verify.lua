-- verify.lua - wrk script for tests/bench/verify.sh: label page requests for random codes.
--
-- Usage: wrk -tT ... -s tests/bench/verify.lua URL -- PREFIX
-- Thread i (1..T) reads PREFIX.i: request paths such as "/V/0000KMXP68PT8B0Y" (the path a
-- label's QR code carries), one a line, drawn at random from the exported batch with no
-- code in two threads' files; verify.sh writes them. The thread builds every request
-- once, here, and then sends them in file order, over again when it reaches the end.
--
-- Why not pick a code with math.random and format its request in request(): a new
-- string per request makes LuaJIT's collector stall the thread for tens of
-- milliseconds now and then (measured against nginx's `return 200`: p99 20-200 ms
-- instead of ~5 ms, and a fifth fewer requests/s). Returning a string built here
-- allocates nothing. The files hold a sample (32768 codes a thread), not every code,
-- because wrk starts each thread as soon as its init returns, while the next thread's
-- init is still running, and counts that head start in the run: 100,000 requests
-- take ~0.2 s to build, 32768 ~0.06 s.

local threads = 0

-- setup runs once per thread in the main Lua state: number the threads 1, 2, ...
function setup(thread)
    threads = threads + 1
    thread:set("id", threads)
end

local requests = {}
local count = 0
local next_one = 0

-- init runs in each thread's own Lua state.
function init(args)
    if not args[1] then
        error("verify.lua: give the path-file prefix after --")
    end
    local file = args[1] .. "." .. tostring(id)
    local host = wrk.headers["Host"]
    local tail = " HTTP/1.1\r\nHost: " .. host .. "\r\n\r\n"
    for path in io.lines(file) do
        count = count + 1
        requests[count] = "GET " .. path .. tail
    end
    if count == 0 then
        error("verify.lua: no paths in " .. file)
    end
    collectgarbage("collect")
end

function request()
    next_one = next_one + 1
    if next_one > count then
        next_one = 1
    end
    return requests[next_one]
end
