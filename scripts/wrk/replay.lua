-- Replays a file of prepared requests, one line each, in order, each at most once; the run ends
-- for this wrk process when its lines are used up (or at wrk's -d limit).
-- A line: METHOD <tab> PATH <tab> BEARER TOKEN <tab> IF-MATCH or - <tab> IDEMPOTENCY-KEY or - <tab> BODY
-- Argument (after --): the file. At the end prints one JSON line: requests, the seconds from the
-- first request to the last answer, non-2xx and socket errors, and latency percentiles in ms.
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } replay_timespec;
int clock_gettime(int clk_id, replay_timespec *tp);
]]
local function now()
    local t = ffi.new("replay_timespec")
    ffi.C.clock_gettime(1, t) -- CLOCK_MONOTONIC
    return tonumber(t.tv_sec) + tonumber(t.tv_nsec) / 1e9
end

local lines = {}
local next_line = 1
local sent = 0
local threads = {}

function setup(thread)
    threads[#threads + 1] = thread
end

function init(args)
    for line in io.lines(args[1]) do
        local f = {}
        for field in (line .. "\t"):gmatch("([^\t]*)\t") do
            f[#f + 1] = field
        end
        local headers = { ["Authorization"] = "Bearer " .. f[3] }
        if f[4] ~= "-" then headers["If-Match"] = f[4] end
        if f[5] ~= "-" then headers["Idempotency-Key"] = f[5] end
        local body = f[6]
        if body ~= nil and body ~= "" then
            headers["Content-Type"] = "application/json"
        else
            body = nil
        end
        lines[#lines + 1] = wrk.format(f[1], f[2], headers, body)
    end
end

function request()
    if first == nil then
        first = now()
    end
    local r = lines[next_line]
    if r == nil then
        -- Used up: ask for the last line again; response() stops the thread first.
        r = lines[#lines]
    end
    next_line = next_line + 1
    return r
end

function response(status, headers, body)
    sent = sent + 1
    last = now()
    if sent >= #lines then
        wrk.thread:stop()
    end
end

function done(summary, latency, requests)
    local e = summary.errors
    local active = 0
    for _, t in ipairs(threads) do
        local a, b = t:get("first"), t:get("last")
        if a ~= nil and b ~= nil and b - a > active then
            active = b - a
        end
    end
    io.write(string.format(
        '{"requests":%d,"seconds":%.3f,"active_seconds":%.3f,"non_2xx":%d,"socket_errors":%d,"p50_ms":%.2f,"p90_ms":%.2f,"p99_ms":%.2f,"max_ms":%.2f}\n',
        summary.requests, summary.duration / 1e6, active, e.status, e.connect + e.read + e.write + e.timeout,
        latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
        latency.max / 1000))
end
