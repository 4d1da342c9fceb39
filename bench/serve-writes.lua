-- wrk script for scripts/bench-serve.sh: each connection submits a
-- notification (POST /api/v1/notifications) as a liaison, and the
-- submissions acknowledged are then refused with grounds by an officer
-- (POST /api/v1/notifications/ID/decision): half submissions, half
-- decisions. Arguments: liaison token, officer token, payload file, and
-- optionally a pause in milliseconds before each request (a paced load:
-- scripts/bench-serve-soak.sh). done() prints the acknowledged (200)
-- writes per second.
local queue = {}
local liaison, officer, payload
local pause = 0

function init(args)
    liaison, officer = args[1], args[2]
    local f = assert(io.open(args[3], "r"))
    payload = f:read("*a")
    f:close()
    pause = tonumber(args[4] or "0")
end

function delay()
    return pause
end

function request()
    local id = table.remove(queue)
    if id then
        return wrk.format("POST", "/api/v1/notifications/" .. id .. "/decision",
            { ["Authorization"] = "Bearer " .. officer },
            '{"decision":"refuse","grounds":"benchmark"}')
    end
    return wrk.format("POST", "/api/v1/notifications",
        { ["Authorization"] = "Bearer " .. liaison }, payload)
end

function response(status, headers, body)
    if status == 200 and body:find('"state": "submitted"', 1, true) then
        local id = body:match('"id": "(N%d+)"')
        if id then table.insert(queue, id) end
    end
end

function done(summary, latency, requests)
    local acked = summary.requests - summary.errors.status
    local seconds = summary.duration / 1e6
    io.write(string.format(
        "serve writes: %d acknowledged durable writes in %.1f s = %.0f/s " ..
        "(%d refused or failed); latency p50 %.1f ms, p99 %.1f ms\n",
        acked, seconds, acked / seconds, summary.errors.status,
        latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
